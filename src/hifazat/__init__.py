"""Hifazat: an accountable registry for protective security."""

__version__ = "0.1.0"
