"""``ExportPackageAction``: a fonds (or some of its records) as a transfer package (style.md rules 1, 2, 7, 18).

Layout (see :mod:`kho.packages.layout`): a BagIt 1.0 bag with SHA-256 manifests whose payload is one
E-ARK CSIP package at ``data/<OBJID>/`` (METS, PREMIS 3 events and agents from the audit log, EAD with the
TT05 fields of every record and document, the digital objects streamed from the object store, and the
lossless ``documentation/kho-transfer.json``). The root hash (:func:`~kho.packages.formats.root_hash`)
covers the sorted payload manifest. The handover record prints that hash, so it and the inventories are
**tag files** under ``handover/``: covered by ``tagmanifest-sha256.txt``, not by the root hash.

Order: check the selection, write the E-ARK package straight into the bag's ``data/`` (the content files
are copied by child processes meanwhile), bag it from the writer's digests, add the handover tag files,
wait for the content copy (it checks every file against its digest), then record a ``PackageTransfer``
(export) and an ``information package creation`` event in one transaction. If any step fails the output
folder is emptied again: no half-written bag is left behind.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kho.access.levels import Action
from kho.access.selectors import agencies_for, documents_for, fonds_for, records_for
from kho.agencies.models import Agency
from kho.audit import log
from kho.audit.vocabulary import EventType
from kho.core.exceptions import EnvironmentProblemError, KhoPermissionDeniedError
from kho.core.text import nfc
from kho.packages import _collect, _events
from kho.packages._handover_docs import HandoverInput, write_handover_documents
from kho.packages._tags import add_tag_files
from kho.packages.exceptions import ExportFailedError, OutputNotEmptyError, SelectionNotFoundError
from kho.packages.formats import PackageFormatError, make_bag_in_place
from kho.packages.formats._eark_write import PendingPackage, start_package
from kho.packages.formats.bagit import BagResult, make_bag_of_written_payload
from kho.packages.formats.eark import DocumentationFile, PackageSpec, write_package
from kho.packages.formats.earkspec import Agency as AgencyRef
from kho.packages.formats.premis import EventLog
from kho.packages.layout import (
    HANDOVER_DIR,
    INVENTORY_FORMAT,
    INVENTORY_PATH,
    SIDECAR_FORMAT,
    SIDECAR_PATH,
    model_row,
)
from kho.packages.models import Direction, PackageTransfer
from kho.records.models import Document, Fonds, Record

__all__ = ["ExportPackageAction", "ExportResult"]


@dataclass(frozen=True, slots=True)
class ExportResult:
    """What one export wrote."""

    path: str
    package_id: str
    root_hash: str
    fonds: str
    sender: str
    receiver: str
    records: int
    documents: int
    files: int
    bytes: int
    handover_files: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


def _package_id(fonds_code: str, moment: datetime) -> str:
    """``KHO-<fonds>-<YYYYMMDDhhmmss>-<8 hex>``: unique, and a clean folder name (CSIP1)."""
    code = re.sub(r"[^0-9A-Za-z.-]", "_", fonds_code)
    return f"KHO-{code}-{moment:%Y%m%d%H%M%S}-{uuid.uuid4().hex[:8]}"


def _dump_json(data: dict[str, Any], path: Path) -> Path:
    """Write ``data`` as compact, key-sorted JSON: the bytes of one ``json.dumps``, written a list item at a time.

    ``json.dumps`` uses the C encoder (``json.dump`` would encode in Python); top-level lists are encoded
    item by item and spooled rows (:class:`~kho.packages._collect.JsonLines`, already in that encoding) are
    copied line by line, so the whole document never sits in memory as one string.
    """
    dumps = _collect.dumps
    with path.open("w", encoding="utf-8") as out:
        out.write("{")
        for n, key in enumerate(sorted(data)):
            out.write(("," if n else "") + dumps(key) + ":")
            value = data[key]
            if isinstance(value, list | Iterator | _collect.JsonLines):
                out.write("[")
                for i, item in enumerate(value):
                    out.write(("," if i else "") + (item if isinstance(value, _collect.JsonLines) else dumps(item)))
                out.write("]")
            else:
                out.write(dumps(value))
        out.write("}\n")
    return path


def _inventory_row(row: dict[str, Any]) -> dict[str, Any]:
    """A record's inventory line: its code, title and numbers of documents and files."""
    return {
        "file_code": row["file_code"],
        "title": row["title"],
        "documents": len(row["documents"]),
        "files": sum(len(doc["objects"]) for doc in row["documents"]),
    }


class ExportPackageAction:
    """Export a fonds (all records, or those named) for a receiver; ``user=None`` is the local operator.

    A signed-in ``user`` sees the fonds, records and documents through the ``export`` selectors, and the
    export is refused unless every selected record and document is visible to them (a fonds is never
    split silently). ``schema_dir``: its XSDs are copied into the package's ``schemas/`` (CSIP113).
    """

    def __init__(
        self,
        fonds_code: str,
        out: Path,
        *,
        records: Sequence[str] = (),
        receiver: str | None = None,
        user: Any = None,
        schema_dir: Path | None = None,
    ) -> None:
        self.fonds_code = fonds_code.strip()
        self.out = Path(out)
        self.record_codes = [code.strip() for code in records if code.strip()]
        self.receiver_code = (receiver or "").strip() or None
        self.user = user
        self.schema_files = tuple(sorted(schema_dir.glob("*.xsd"))) if schema_dir and schema_dir.is_dir() else ()
        self.agent = log.user_agent(user) if user is not None else log.SYSTEM_AGENT
        self.fonds: Fonds | None = None
        self.receiver: Agency | None = None

    def _records(self, fonds: Fonds) -> QuerySet[Record]:
        base = records_for(self.user, Action.EXPORT) if self.user is not None else Record.objects.all()
        qs = base.filter(fonds=fonds)
        return qs.filter(file_code__in=self.record_codes) if self.record_codes else qs

    def check(self) -> QuerySet[Record]:
        """Resolve the fonds, records and receiver, check access and the output folder; return the records.

        Raises:
            SelectionNotFoundError: The fonds, a record or the receiver does not exist (or is hidden).
            KhoPermissionDeniedError: Some selected record or document is outside the user's export right.
            OutputNotEmptyError: The output folder exists and is not empty.
        """
        fonds_qs = fonds_for(self.user, Action.EXPORT) if self.user is not None else Fonds.objects.all()
        self.fonds = fonds_qs.select_related("agency").filter(code=self.fonds_code).first()
        if self.fonds is None:
            raise SelectionNotFoundError(missing=_("phông %(code)s") % {"code": self.fonds_code})
        records = self._records(self.fonds)
        missing = sorted(set(self.record_codes) - set(records.values_list("file_code", flat=True)))
        if missing:
            raise SelectionNotFoundError(missing=_("hồ sơ %(codes)s") % {"codes": ", ".join(missing)})
        if self.user is not None:
            self._check_visible(records)
        if self.receiver_code:
            agencies = agencies_for(self.user, Action.VIEW) if self.user is not None else Agency.objects.all()
            self.receiver = agencies.filter(code=self.receiver_code).first()
            if self.receiver is None:
                raise SelectionNotFoundError(missing=_("cơ quan %(code)s") % {"code": self.receiver_code})
        if self.out.exists() and (not self.out.is_dir() or any(self.out.iterdir())):
            raise OutputNotEmptyError(path=str(self.out))
        return records

    def _check_visible(self, records: QuerySet[Record]) -> None:
        """Refuse when the user may not export every selected record and document (no silent gaps)."""
        assert self.fonds is not None  # noqa: S101 - set by check()
        every = Record.objects.filter(fonds=self.fonds)
        every = every.filter(file_code__in=self.record_codes) if self.record_codes else every
        docs_visible = documents_for(self.user, Action.EXPORT).filter(record__in=records).count()
        if every.count() != records.count() or Document.objects.filter(record__in=every).count() != docs_visible:
            raise KhoPermissionDeniedError(_("Bạn không có quyền xuất toàn bộ hồ sơ, tài liệu đã chọn."))

    def execute(self) -> ExportResult:
        """Write the package and record the transfer; return what was written."""
        records_qs = self.check()
        assert self.fonds is not None  # noqa: S101 - set by check()
        with _collect.collect_records(records_qs) as collected:
            if collected.missing:
                raise ExportFailedError(reason=_("thiếu đối tượng trong kho lưu trữ"), details=collected.missing)
            if not collected.files:
                raise ExportFailedError(reason=_("các hồ sơ đã chọn chưa có tệp số nào"))
            return self._write_and_register(collected)

    def _write_and_register(self, collected: _collect.Collected) -> ExportResult:
        """Write the package and record the transfer; on any failure remove what was written."""
        created_dir = not self.out.exists()
        try:
            result = self._write(collected)
            self._register(result)
        except BaseException as exc:
            self._clean(created_dir)
            if isinstance(exc, PackageFormatError):
                raise ExportFailedError(reason=exc.render()) from exc
            if isinstance(exc, OSError):
                raise EnvironmentProblemError(
                    _("Không ghi được gói vào %(path)s: %(reason)s"), path=str(self.out), reason=exc.strerror or ""
                ) from exc
            raise
        return result

    def _write(self, collected: _collect.Collected) -> ExportResult:
        """Write the E-ARK package, bag it, add the handover tag files."""
        fonds = self.fonds
        assert fonds is not None  # noqa: S101
        now = timezone.localtime()
        package_id = _package_id(fonds.code, now)
        self.out.mkdir(parents=True, exist_ok=True)
        bag, pending = self._write_bag(package_id, now, collected)
        try:
            result = ExportResult(
                path=str(self.out),
                package_id=package_id,
                root_hash=bag.root_hash,
                fonds=fonds.code,
                sender=fonds.agency.code,
                receiver=self.receiver.code if self.receiver else "",
                records=len(collected.records),
                documents=collected.documents,
                files=collected.files,
                bytes=collected.bytes,
            )
            self._add_handover_files(result, now, collected)
        except BaseException:
            if pending is not None:
                pending.cancel()
            raise
        if pending is not None:
            pending.wait()  # the content files, copied meanwhile; a mismatch fails the export
        return result

    def _write_bag(
        self, package_id: str, now: datetime, collected: _collect.Collected
    ) -> tuple[BagResult, PendingPackage | None]:
        """Write the E-ARK package straight into the bag's ``data/`` and bag it from the writer's digests.

        Every file was hashed while written (content files: their store digests, which the copying child
        checks), so bagging reads none of them again, and the handover files are made while the content
        is still being copied: the returned package must be waited for. With a schema file name that is not
        NFC (bagging would rename the file) the package is written first and bagged in place, as before.
        """
        with tempfile.TemporaryDirectory(prefix="kho-export-") as tmp, EventLog() as events:
            sidecar = _dump_json(self._sidecar(package_id, now, collected), Path(tmp) / "sidecar.json")
            spec = self._spec(package_id, now, collected, sidecar, events)
            if any(nfc(path.name) != path.name for path in self.schema_files):
                manifest = write_package(self.out / package_id, spec)
                known = {  # a rare case (a schema name that is not NFC): held in memory
                    f"{package_id}/{e.path}": ({"sha256": e.digest.removeprefix("sha256:")}, e.size)
                    for e in manifest.entries
                }
                return make_bag_in_place(self.out, bag_info=self._bag_info(package_id), known=known), None
            pending = start_package(self.out / "data" / package_id, spec)
        try:
            payload = (
                (f"{package_id}/{e.path}", e.digest.removeprefix("sha256:"), e.size) for e in pending.manifest.entries
            )
            bag = make_bag_of_written_payload(self.out, payload, bag_info=self._bag_info(package_id))
            pending.release_entries()  # not needed while the handover files are made (issue #5)
            return bag, pending
        except BaseException:
            pending.cancel()
            raise

    def _add_handover_files(self, result: ExportResult, now: datetime, collected: _collect.Collected) -> None:
        """Make the handover record and inventories (they print the root hash) and add them as tag files."""
        fonds = self.fonds
        assert fonds is not None  # noqa: S101
        with tempfile.TemporaryDirectory(prefix="kho-handover-") as tmp:
            data = HandoverInput(
                fonds, self.receiver, result.root_hash, result.package_id, collected.records,
                collected.documents, collected.files, collected.bytes, now, self.user,
            )  # fmt: skip
            docs = write_handover_documents(data, Path(tmp) / "docs")
            inventory = _dump_json(self._inventory(result, now, collected), Path(tmp) / "inventory.json")
            tags = [(f"{HANDOVER_DIR}/{doc.name}", doc) for doc in docs] + [(INVENTORY_PATH, inventory)]
            add_tag_files(self.out, tags)
        result.handover_files.extend(rel for rel, _src in tags)

    def _spec(
        self, package_id: str, now: datetime, collected: _collect.Collected, sidecar: Path, events: EventLog
    ) -> PackageSpec:
        """The E-ARK package specification (events, added to ``events``, and agents from the audit log)."""
        fonds = self.fonds
        assert fonds is not None  # noqa: S101
        sender = _events.organisation_agent(fonds.agency.code, fonds.agency.name)
        agents = _events.collect_events(
            fonds.code, collected.file_codes, collected.doc_paths, collected.blob_paths, events
        )
        # The events hold the links they need: free the per-file maps before the package is written (issue #5).
        collected.doc_paths.clear()
        collected.blob_paths.clear()
        events.add(_events.creation_event(str(uuid.uuid4()), now, sender, f"Gói chuyển giao phông {fonds.code}"))
        agents[sender.identifier] = sender
        receiver = AgencyRef(self.receiver.code, self.receiver.name) if self.receiver else None
        return PackageSpec(
            package_id=package_id,
            label=f"Phông {fonds.code} - {fonds.name}",
            created=now,
            submitting_agency=AgencyRef(fonds.agency.code, fonds.agency.name),
            records=collected.records,
            archival_agency=receiver,
            fonds=AgencyRef(fonds.code, fonds.name),
            events=events,
            agents=tuple(agents.values()),
            documentation=(DocumentationFile(SIDECAR_PATH, sidecar, "application/json", now),),
            schema_files=self.schema_files,
        )

    def _sidecar(self, package_id: str, now: datetime, collected: _collect.Collected) -> dict[str, Any]:
        """The lossless Kho metadata: agencies, fonds, custody chain, lineage and every record field."""
        fonds = self.fonds
        assert fonds is not None  # noqa: S101
        custody = _collect.custody_rows(fonds)
        relations = _collect.relation_rows(fonds.agency)
        codes = {row["holder"] for row in custody} | {row["successor"] for row in relations}
        codes |= {fonds.agency.code} | ({self.receiver.code} if self.receiver else set())
        agencies = Agency.objects.filter(code__in=codes).select_related("parent").order_by("code")
        return {
            "format": SIDECAR_FORMAT,
            "package_id": package_id,
            "created": _collect.iso(now),
            "sender": fonds.agency.code,
            "receiver": self.receiver.code if self.receiver else "",
            "agencies": [_collect.agency_row(a) for a in agencies],
            "relations": relations,
            "fonds": model_row(fonds),
            "custody": custody,
            "records": collected.rows,
        }

    def _inventory(self, result: ExportResult, now: datetime, collected: _collect.Collected) -> dict[str, Any]:
        """The machine-readable inventory the importer checks the EAD and METS against."""
        rows = (_inventory_row(json.loads(text)) for text in collected.rows)  # streamed by _dump_json
        counts = {"records": result.records, "documents": result.documents, "files": result.files}
        return {
            "format": INVENTORY_FORMAT,
            "package_id": result.package_id,
            "root_hash": result.root_hash,
            "created": _collect.iso(now),
            "fonds": result.fonds,
            "sender": result.sender,
            "receiver": result.receiver,
            "counts": {**counts, "bytes": result.bytes},
            "records": rows,
        }

    def _bag_info(self, package_id: str) -> dict[str, str]:
        fonds = self.fonds
        assert fonds is not None  # noqa: S101
        info = {
            "Source-Organization": fonds.agency.name,
            "External-Identifier": package_id,
            "External-Description": f"Phông {fonds.code} - {fonds.name}",
            "Kho-Fonds": fonds.code,
            "Kho-Sender": fonds.agency.code,
        }
        if self.receiver is not None:
            info["Kho-Receiver"] = self.receiver.code
        return info

    def _register(self, result: ExportResult) -> None:
        """Record the transfer and its event in one transaction (a failure removes the bag)."""
        counts = {"records": result.records, "documents": result.documents, "files": result.files}
        with transaction.atomic():
            PackageTransfer.objects.create(
                direction=Direction.EXPORT,
                package_id=result.package_id,
                root_hash=result.root_hash,
                fonds_code=result.fonds,
                sender_code=result.sender,
                receiver_code=result.receiver,
                bytes=result.bytes,
                report={"path": result.path, "handover_files": result.handover_files},
                **counts,
            )
            log.append(
                EventType.INFORMATION_PACKAGE_CREATION,
                agent=self.agent,
                object_type="fonds",
                object_id=result.fonds,
                detail=f"transfer package {result.package_id}",
                data={"package_id": result.package_id, "root_hash": result.root_hash, "receiver": result.receiver,
                      "bytes": result.bytes, **counts},
            )  # fmt: skip

    def _clean(self, created_dir: bool) -> None:  # noqa: FBT001
        """Remove what this export wrote (the whole folder when this export created it)."""
        if created_dir:
            shutil.rmtree(self.out, ignore_errors=True)
        elif self.out.is_dir():
            for child in self.out.iterdir():
                shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
