"""Archival packages: pure formats (``formats/``) and, later, the Django glue for export/import."""
