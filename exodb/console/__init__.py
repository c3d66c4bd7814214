"""The read-only SQL console and full-text search."""
