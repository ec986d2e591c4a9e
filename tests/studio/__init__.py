"""Tests of `studio`."""
