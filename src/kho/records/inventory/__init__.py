"""Import of agencies and records from XLSX/CSV, and export of the "Mục lục hồ sơ" inventory.

``reader`` turns a file into rows, ``importer`` holds the import actions (check + execute + audit),
``exporter`` writes the inventory; ``columns`` and ``values`` define the columns and cell formats both share.
"""

from __future__ import annotations

from kho.records.inventory.columns import AGENCY_COLUMNS, EXPORT_COLUMNS, RECORD_COLUMNS
from kho.records.inventory.exporter import ExportFormat, ExportResult, default_output_name, export_inventory
from kho.records.inventory.importer import ImportAgenciesAction, ImportRecordsAction, ImportResult, Problem
from kho.records.inventory.reader import Row, Table, read_table

__all__ = [
    "AGENCY_COLUMNS",
    "EXPORT_COLUMNS",
    "RECORD_COLUMNS",
    "ExportFormat",
    "ExportResult",
    "ImportAgenciesAction",
    "ImportRecordsAction",
    "ImportResult",
    "Problem",
    "Row",
    "Table",
    "default_output_name",
    "export_inventory",
    "read_table",
]
