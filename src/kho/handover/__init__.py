"""Reorganization of agencies (merge, split, dissolution, rename, transfer) and the handover of their fonds.

Public API:

* ``actions``: ``CreateReorganizationAction``, ``ApplyReorganizationAction`` (style.md rules 1, 2).
* ``importer``: ``ImportReorganizationsAction`` (reorganizations from an XLSX/CSV table).
* ``lineage``: ``lineage_graph(agency)`` for the web UI and ``kho lineage``.
* ``readiness``: ``build_readiness(agency)`` for ``kho handover readiness``.
* ``documents``: ``build_handover_documents(fonds, receiver, root_hash, ...)`` for the package exporter.
"""

from __future__ import annotations
