"""The canvas: the diagram scene, its items and its view."""
