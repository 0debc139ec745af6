"""Persistence for the review screen (placeholder docstring)."""
