"""The pure layout of the handover documents and the readiness report: dataclasses in, PDF/XLSX files out.

No ORM here: ``kho.handover.documents`` and ``kho.handover.readiness`` build the ``model`` dataclasses from
the database; ``pdf`` (reportlab, embedded Vietnamese serif font) and ``xlsx`` (openpyxl) draw them.
"""

from __future__ import annotations
