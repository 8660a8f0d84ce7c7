"""The repository's parts, one per kind of record."""
