"""Kho: digitize, preserve, protect and hand over the archives of Vietnamese Party and State agencies."""

__version__ = "0.1.0"
