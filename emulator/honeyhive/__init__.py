"""A HoneyHive-compatible backend for offline acceptance runs (see README.md)."""
