"""Oversight reports: pure functions over the domain record (no store, no framework)."""
