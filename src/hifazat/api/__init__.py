"""The HTTP API: JSON over the same guarded services the pages use (docs/api.md)."""
