"""``kho import`` (import_data) and ``kho export`` (export_data)."""
