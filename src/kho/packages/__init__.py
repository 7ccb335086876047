"""Archival packages: pure formats (``formats/``) and the transfer glue (export, verify, import, validate)."""
