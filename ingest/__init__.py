"""Files -> documents -> passages -> index on disk."""
