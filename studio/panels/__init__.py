"""Dock panels: Inspector, Problems and Outline."""
