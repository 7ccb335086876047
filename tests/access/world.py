"""A small archive for permission tests: an agency tree, three fonds and documents at every level.

Agencies: H49 > H49.01 > H49.01.01 (owns fonds IN); H50 > H50.02 (owns LISTED), H50.03 (owns OUT); H51.
Each fonds holds a plain record (documents at every level), a MẬT record (a plain and a TỐI MẬT document)
and a TUYỆT MẬT record (a plain document); every document has one file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import models

from kho.agencies.models import Agency
from kho.audit import log
from kho.audit.models import Event
from kho.audit.vocabulary import EventType
from kho.core.codetables import SecrecyLevel
from kho.records.models import DigitalObject, Document, Fonds, Record
from tests import factories
from tests.access import helpers

L = SecrecyLevel
RECORD_LAYOUT = {
    L.NONE: [L.NONE, L.MAT, L.TOI_MAT, L.TUYET_MAT],
    L.MAT: [L.NONE, L.TOI_MAT],
    L.TUYET_MAT: [L.NONE],
}
SCOPES = ("ancestor", "fonds", "out", "all")


@dataclass
class World:
    """The archive, and for every archival object its fonds key and effective secrecy level."""

    agencies: dict[str, Agency] = field(default_factory=dict)
    fonds: dict[str, Fonds] = field(default_factory=dict)
    where: dict[tuple[type[models.Model], int], tuple[str, SecrecyLevel]] = field(default_factory=dict)

    def scope(self, name: str) -> dict[str, Any]:
        """Profile fields for a named scope."""
        return {
            "ancestor": {"agencies": [self.agencies["H49"]]},
            "fonds": {"fonds": [self.fonds["listed"]]},
            "out": {"agencies": [self.agencies["H51"]]},
            "all": {"all_agencies": True},
        }[name]

    def objects(self) -> dict[type[models.Model], list[Any]]:
        """Every protected object, loaded with the relations the policies walk."""
        return {
            Agency: list(Agency.objects.all()),
            Fonds: list(Fonds.objects.select_related("agency")),
            Record: list(Record.objects.select_related("fonds")),
            Document: list(Document.objects.select_related("record__fonds")),
            DigitalObject: list(DigitalObject.objects.select_related("document__record__fonds")),
            Event: list(Event.objects.all()),
        }


def build_world() -> World:
    """Create the archive described in the module docstring."""
    world = World()
    for code, parent in [
        ("H49", None),
        ("H49.01", "H49"),
        ("H49.01.01", "H49.01"),
        ("H50", None),
        ("H50.02", "H50"),
        ("H50.03", "H50"),
        ("H51", None),
    ]:
        world.agencies[code] = factories.agency(code, parent=world.agencies.get(parent) if parent else None)
    for key, owner in [("in", "H49.01.01"), ("listed", "H50.02"), ("out", "H50.03")]:
        fonds = factories.fonds(f"P-{key.upper()}", owner=world.agencies[owner])
        world.fonds[key] = fonds
        world.where[(Fonds, fonds.pk)] = (key, L.NONE)
        for record_level, doc_levels in RECORD_LAYOUT.items():
            record = factories.record(
                f"{key.upper()}.{record_level.name}", in_fonds=fonds, secrecy_level=int(record_level)
            )
            world.where[(Record, record.pk)] = (key, record_level)
            for level in doc_levels:
                doc = helpers.document(record, level)
                effective = max(level, record_level)
                world.where[(Document, doc.pk)] = (key, effective)
                world.where[(DigitalObject, helpers.digital_object(doc).pk)] = (key, effective)
    log.append(EventType.INGESTION, object_type="document", object_id="x")
    log.append(EventType.FIXITY_CHECK, object_type="blob", object_id="y")
    return world
