"""Renderers of a built report, one module per format. None computes a figure."""
