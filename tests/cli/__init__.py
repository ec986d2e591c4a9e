"""Tests of the headless CLI (`studio/cli.py`)."""
