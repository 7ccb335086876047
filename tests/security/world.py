"""The archive every route of the security matrix is walked against, and who may see what in it.

Agencies: province H49 ("Phượng Hoàng") > H49.01 (agency A) and H49.02 (agency B, "Narwhal"). Agency A's
fonds holds a plain record R0 with a plain, a MẬT ("Pelican") and a TỐI MẬT ("Ocelot") document, and a TỐI
MẬT record RS ("Quokka") with one plain document; agency B's fonds holds one record with one plain document.
Every document has a real PDF access copy, an OCR text and a CAPTURE event; every record has an upload
batch with one received file and a queued task; the copy register holds the archivist's copies of the MẬT
and TỐI MẬT documents. Each hidden object carries a unique word so that a leak is found by plain string
search in any response ("Tamarind": a whole word of agency B's document, a prefix in the plain one).

The expectations (``may``) are written out here from the documented rules, independently of
``kho.access``: the route matrix compares what every route answers with them.
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import models

from kho.agencies.models import Agency
from kho.api.actions import CreateTokenAction
from kho.audit import log
from kho.audit.models import Event
from kho.audit.vocabulary import EventType
from kho.copies.actions import MakeMarkedCopyAction
from kho.copies.models import CopyKind
from kho.core.codetables import SecrecyLevel
from kho.ingest.models import UploadBatch, UploadFile
from kho.ingest.uploads import enqueue_batch
from kho.records.models import DigitalObject, Document, Record
from kho.search.backends import get_backend
from kho.storage.store import put_blob
from tests import factories
from tests.access.helpers import user as make_user

L = SecrecyLevel
MISSING_UID = "00000000-0000-4000-8000-0000000000ff"


@dataclass(frozen=True, slots=True)
class Who:
    """A test user as the expectations see them: role, clearance and the agencies (A, B) in scope."""

    role: str | None = None
    clearance: SecrecyLevel = L.NONE
    scope: frozenset[str] = frozenset()
    staff: bool = False
    token: bool = True  # whether the API matrix sends a bearer token of this user


# Anonymous, the roles of issue #6, a user without profile and a superuser without profile.
USERS: dict[str, Who] = {
    "anonymous": Who(token=False),
    "reader_none": Who("reader", L.NONE, frozenset("A")),
    "reader_mat": Who("reader", L.MAT, frozenset("A")),
    "reader_b": Who("reader", L.TOI_MAT, frozenset("B")),
    "archivist": Who("archivist", L.TOI_MAT, frozenset("A")),
    "leader": Who("leader", L.MAT, frozenset("A")),
    "officer": Who("security_officer", L.MAT, frozenset("AB")),
    "admin": Who("admin", L.TOI_MAT, frozenset("AB"), staff=True),
    "noprofile": Who(),
    "root": Who(staff=True),
}
ROLE_ACTIONS = {
    "reader": {"view", "download"},
    "archivist": {"view", "download", "digitize", "verify"},
    "leader": {"view", "download", "verify", "register"},
    "security_officer": {"view", "audit", "register"},
    "admin": {"view", "audit", "register"},
}


@dataclass(frozen=True, slots=True)
class Target:
    """One object a route can name: its identifiers, scope (A/B) and effective level; ``missing`` names none."""

    name: str
    ids: dict[str, Any]
    scope: str = "A"
    level: SecrecyLevel = L.NONE
    missing: bool = False
    creator: str | None = None  # for batches: who opened it (only they may add files)


def may(who: Who, action: str, target: Target) -> bool:
    """Whether ``who`` may ``action`` the target (the documented rules, written out on their own)."""
    if target.missing or who.role is None or action not in ROLE_ACTIONS[who.role]:
        return False
    if action in {"audit", "register"}:  # the whole log; the register (a leader's: filtered per document)
        return True
    ceiling = L.NONE if who.role == "admin" else who.clearance
    return target.scope in who.scope and target.level <= ceiling


@dataclass
class World:
    """What ``build`` made: targets per kind, the identifying strings of each, users and tokens."""

    targets: dict[str, list[Target]] = field(default_factory=dict)
    secrets: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    rows: dict[tuple[str, str], models.Model] = field(default_factory=dict)
    content: set[str] = field(default_factory=set)  # the secrets that are content (names, titles, subjects, text)

    def target(self, kind: str, name: str) -> Target:
        """The named target of a kind."""
        return next(t for t in self.targets[kind] if t.name == name)


def _pdf(document: Document, role: str = "access") -> DigitalObject:
    blob, _ = put_blob(io.BytesIO(factories.pdf_bytes(document.doc_code)))
    return DigitalObject.objects.create(
        document=document, blob=blob, role=role, media_type="application/pdf", filename=f"{document.doc_code}.pdf"
    )


def _text(document: Document, text: str) -> None:
    blob, _ = put_blob(io.BytesIO(text.encode("utf-8")))
    DigitalObject.objects.create(
        document=document, blob=blob, role="text", media_type="text/plain", filename=f"{document.doc_code}.txt"
    )


# name: (record, ordinal, number/symbol, subject, type, issued, level, body text)
DOCUMENTS = {
    "plain": ("plain", 1, "11/QĐ-UBND", "Quyết định công khai về lưu trữ", "02", date(2024, 3, 5), L.NONE,
              "Nội dung Kingfisher công khai về lưu trữ Tamarind2024."),
    "mat": ("plain", 2, "22/KH-MAT", "Kế hoạch Pelican bảo vệ", "07", date(2019, 4, 1), L.MAT,
            "Nội dung Pelican về biên giới."),
    "toi_mat": ("plain", 3, "33/KH-TMAT", "Kế hoạch Ocelot phòng thủ", "08", date(2018, 5, 1), L.TOI_MAT,
                "Nội dung Ocelot về phòng thủ."),
    "in_secret_record": ("secret", 1, "44/BC-QSU", "Báo cáo Quokka", "09", date(2017, 6, 1), L.NONE,
                         "Nội dung Quokka trong hồ sơ."),
    "out": ("out", 1, "55/TB-NWH", "Thông báo Narwhal", "10", date(2016, 7, 1), L.NONE,
            "Nội dung Narwhal ngoài phạm vi Tamarind."),
}  # fmt: skip


def _archive(world: World) -> None:
    province = factories.agency("H49", name="Ủy ban nhân dân tỉnh Phượng Hoàng")
    agency_a = factories.agency("H49.01", name="Ủy ban nhân dân xã Hòa Bình", parent=province)
    agency_b = factories.agency("H49.02", name="Ủy ban nhân dân xã Narwhal", parent=province)
    fonds_a = factories.fonds("P-H49.01", owner=agency_a, name="Phông UBND xã Hòa Bình")
    fonds_b = factories.fonds("P-H49.02", owner=agency_b, name="Phông UBND xã Narwhal")
    records = {
        "plain": factories.record("H49.01.2024.01.VP", in_fonds=fonds_a, title="Hồ sơ công khai 2024", year=2024),
        "secret": factories.record(
            "H49.01.2017.07.QKA", in_fonds=fonds_a, title="Hồ sơ Quokka", year=2017, secrecy_level=int(L.TOI_MAT)
        ),
        "out": factories.record("H49.02.2016.01.NWH", in_fonds=fonds_b, title="Hồ sơ Narwhal", year=2016),
    }
    levels = {"plain": L.NONE, "secret": L.TOI_MAT, "out": L.NONE}
    scopes = {"plain": "A", "secret": "A", "out": "B"}
    world.targets["agency"] = [
        Target("plain", {"code": agency_a.code, "uid": str(agency_a.uid), "pk": agency_a.pk}),
        Target("out", {"code": agency_b.code, "uid": str(agency_b.uid), "pk": agency_b.pk}, scope="B"),
    ]
    world.targets["fonds"] = [
        Target("plain", {"code": fonds_a.code, "uid": str(fonds_a.uid), "pk": fonds_a.pk}),
        Target("out", {"code": fonds_b.code, "uid": str(fonds_b.uid), "pk": fonds_b.pk}, scope="B"),
    ]
    world.targets["record"] = [
        Target(key, {"code": r.file_code, "uid": str(r.uid), "pk": r.pk}, scopes[key], levels[key])
        for key, r in records.items()
    ]
    world.content.update(("Narwhal", "Phượng Hoàng", *(r.title for r in records.values())))
    world.secrets[("agency", "out")] = ("Narwhal", str(agency_b.uid))
    world.secrets[("agency", "province")] = ("Phượng Hoàng",)  # its uid is shown as a parent: not secret
    world.secrets[("fonds", "out")] = ("P-H49.02", str(fonds_b.uid))
    for key, r in records.items():
        world.secrets[("record", key)] = (r.file_code, r.title, str(r.uid))
    world.rows.update({("agency", "out"): agency_b, ("fonds", "out"): fonds_b})
    world.rows.update({("agency", "plain"): agency_a, ("fonds", "plain"): fonds_a})
    world.rows.update({("record", key): r for key, r in records.items()})
    _documents(world, records, levels, scopes)


def _documents(world: World, records: dict[str, Record], levels: dict[str, L], scopes: dict[str, str]) -> None:
    world.targets["document"] = []
    for name, (rkey, ordinal, number, subject, type_code, issued, level, text) in DOCUMENTS.items():
        record = records[rkey]
        doc = Document.objects.create(
            record=record,
            ordinal=ordinal,
            doc_id=f"{record.file_code}.{ordinal}",
            doc_code=f"{record.file_code}.{ordinal:07d}",
            number_symbol=number,
            subject=subject,
            type_code=type_code,
            issued_date=issued,
            secrecy_level=int(level),
            number_of_page=1,
            verification_status="needs_review",
        )
        pdf = _pdf(doc)
        _text(doc, text)
        log.append(EventType.CAPTURE, object_type="document", object_id=doc.doc_code, detail="scans received")
        ids = {"code": doc.doc_code, "uid": str(doc.uid), "file": str(pdf.uid), "pk": doc.pk}
        world.targets["document"].append(Target(name, ids, scopes[rkey], max(level, levels[rkey])))
        world.secrets[("document", name)] = (doc.doc_code, number, subject, text.split()[2], str(doc.uid))
        world.content.update((subject, text.split()[2]))
        world.rows[("document", name)] = doc
    get_backend().index(Document.objects.values_list("pk", flat=True))


def _batches(world: World) -> None:
    world.targets["batch"], world.targets["task"] = [], []
    for target in world.targets["record"]:
        creator = "archivist" if target.scope == "A" else None
        batch = UploadBatch.objects.create(record_id=target.ids["pk"], created_by=world.users.get(creator or ""))
        blob, _ = put_blob(io.BytesIO(factories.pdf_bytes(f"scan-{target.name}")))
        UploadFile.objects.create(batch=batch, filename="scan.pdf", blob=blob, group="000001", order=1)
        enqueue_batch(batch.pk)
        batch.refresh_from_db()
        common = {"scope": target.scope, "level": target.level, "creator": creator}
        world.targets["batch"].append(Target(target.name, {"uid": str(batch.uid)}, **common))
        world.targets["task"].append(Target(target.name, {"task_id": batch.task_id}, **common))
        world.secrets[("batch", target.name)] = (str(batch.uid), batch.task_id)


def _users(world: World) -> None:
    agencies = {t.scope: t.ids["pk"] for t in world.targets["agency"]}
    for name, who in USERS.items():
        if name == "anonymous":
            continue
        extra = {"is_staff": who.staff, "is_superuser": who.staff}
        if who.role is None:
            world.users[name] = make_user(name, **extra)
        elif who.scope == frozenset("AB"):
            world.users[name] = make_user(name, role=who.role, clearance=who.clearance, all_agencies=True, **extra)
        else:
            scope = Agency.objects.filter(pk__in=[agencies[s] for s in who.scope])
            world.users[name] = make_user(name, role=who.role, clearance=who.clearance, agencies=scope, **extra)
        world.tokens[name] = CreateTokenAction(name, "matrix").execute().token


def _copies_and_events(world: World) -> None:
    """Two entries in the copy register (MẬT and TỐI MẬT copies by the archivist); the event target."""
    for name in ("mat", "toi_mat"):
        pdf = DigitalObject.objects.get(document=world.rows[("document", name)], role="access")
        MakeMarkedCopyAction(world.users["archivist"], pdf, CopyKind.DOWNLOAD).execute()
    first = Event.objects.filter(event_type=EventType.CAPTURE).order_by("seq").first()
    assert first is not None
    world.targets["event"] = [Target("plain", {"seq": first.seq})]


def _missing(world: World) -> None:
    for kind, ids in {
        "agency": {"code": "H49.99", "uid": MISSING_UID, "pk": 999_999},
        "fonds": {"code": "P-H49.99", "uid": MISSING_UID, "pk": 999_999},
        "record": {"code": "H49.01.2024.99.VP", "uid": MISSING_UID, "pk": 999_999},
        "document": {"code": "H49.01.2024.01.VP.0000099", "uid": MISSING_UID, "file": MISSING_UID, "pk": 999_999},
        "batch": {"uid": MISSING_UID},
        "task": {"task_id": str(uuid.UUID(MISSING_UID))},
        "event": {"seq": 999_999},
    }.items():
        world.targets[kind].append(Target("missing", ids, missing=True))


def build() -> World:
    """Create the archive of the module docstring, its users and their API tokens."""
    world = World()
    _archive(world)
    _users(world)
    _batches(world)
    _copies_and_events(world)
    _missing(world)
    return world


def hidden_secrets(world: World, name: str, *, content_only: bool = False) -> set[str]:
    """Every identifying string of an object ``name`` may not view (the province's for a narrow scope).

    ``content_only`` keeps names, titles, subjects and text and drops codes, numbers and uids: the audit
    log and the copy register show those of every object to their reviewers by design (``EventPolicy``,
    ``CopyEntryPolicy``: "no secret content").
    """
    who = USERS[name]
    found: set[str] = set()
    for (kind, key), strings in world.secrets.items():
        if kind == "agency" and key == "province":
            visible = who.role is not None and who.scope == frozenset("AB")
        elif kind == "batch":
            visible = may(who, "view", world.target("record", key))
        else:
            visible = may(who, "view", world.target(kind, key))
        if not visible:
            found.update(s for s in strings if s in world.content or not content_only)
    return found


def hidden_rows(world: World, name: str) -> list[models.Model]:
    """The rows ``name`` may not view, children first (deleted to prove they change no answer)."""
    who = USERS[name]
    order = [("document", k) for k in DOCUMENTS] + [("record", k) for k in ("plain", "secret", "out")]
    order += [("fonds", "out"), ("fonds", "plain"), ("agency", "out"), ("agency", "plain")]
    return [world.rows[key] for key in order if not may(who, "view", world.target(*key))]
