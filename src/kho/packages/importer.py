"""``ImportPackageAction``: receive a transfer package, all or nothing (style.md rules 1, 2, 7, 13, 18).

1. Already imported? The same OBJID with the same root hash is recognised at once and nothing changes.
2. Verify everything (:func:`~kho.packages.verify.verify_transfer`) and check for conflicts with what this
   archive holds. Any error rejects the package with every finding listed; nothing has been written.
3. Stream every file into the object store (content checked against its SHA-256) on a few threads while
   step 4 starts; every object is stored, and made durable in one sync for the whole package, before its
   Blob row is written and before the commit.
4. In one transaction: agencies (the sender as sent, e.g. ended), lineage edges, the fonds (closed as
   sent), its custody chain, records, documents, blobs, digital objects, the ``PackageTransfer`` row, the
   receipt files and the events (an ``accession`` per package and per document, a ``transfer`` of the
   fonds). A failure here rolls every row back and leaves only orphan objects for ``kho storage sweep``.

Verification reads every file once (the E-ARK checksums reuse the digests the BagIt check computed, PREMIS
and EAD are validated as streams); storing reads it a second time, after verification, because a rejected
package must leave nothing in the store. The sidecar is read a record at a time from a private copy of the
verified bytes (:mod:`kho.packages._sidecar`), so memory stays flat as the package grows.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kho.audit import log
from kho.audit.vocabulary import EventType
from kho.core.exceptions import ConflictError
from kho.packages import _write as writes
from kho.packages._checks import documents_of, sidecar_records
from kho.packages._conflicts import check_conflicts
from kho.packages.exceptions import (
    PackageConflictError,
    PackageNotFoundError,
    PackageRejectedError,
    SchemaDirMissingError,
)
from kho.packages.models import Direction, PackageTransfer
from kho.packages.receipt import write_receipt
from kho.packages.verify import Inspection, quick_identity, verify_transfer
from kho.storage.encryption import SealClassifiedAction, classified_blobs
from kho.storage.keys import require_key

__all__ = ["ImportPackageAction", "ImportResult"]

_EVENT_BATCH = 1000


@dataclass(slots=True)
class ImportResult:
    """What an import did (``status`` is ``imported`` or ``already_imported``)."""

    status: str
    package_id: str
    root_hash: str
    fonds: str
    sender: str
    receiver: str
    records: int
    documents: int
    files: int
    bytes: int
    received_at: str
    receipt: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


def _previous_result(previous: PackageTransfer) -> ImportResult:
    return ImportResult(
        status="already_imported",
        package_id=previous.package_id,
        root_hash=previous.root_hash,
        fonds=previous.fonds_code,
        sender=previous.sender_code,
        receiver=previous.receiver_code,
        records=previous.records,
        documents=previous.documents,
        files=previous.files,
        bytes=previous.bytes,
        received_at=previous.created.isoformat(timespec="seconds"),
        receipt=[previous.receipt_path] if previous.receipt_path else [],
    )


class ImportPackageAction:
    """Import the bag at ``path``; ``received_by`` names the person receiving it (for the receipt)."""

    def __init__(
        self,
        path: Path,
        *,
        schema_dir: Path | None,
        receipt_dir: Path,
        received_by: str,
        agent: str = log.SYSTEM_AGENT,
    ) -> None:
        self.path = Path(path)
        self.schema_dir = schema_dir
        self.receipt_dir = receipt_dir
        self.received_by = received_by
        self.agent = agent

    def already_imported(self) -> PackageTransfer | None:
        """The earlier import of this very package (same OBJID and root hash), if any."""
        package_id, root = quick_identity(self.path)
        if package_id is None or root is None:
            return None
        return PackageTransfer.objects.filter(direction=Direction.IMPORT, package_id=package_id, root_hash=root).first()

    def check(self) -> Inspection:
        """Verify the package and look for conflicts; raise with every finding when it cannot be imported.

        Raises:
            PackageNotFoundError: ``path`` is not a folder.
            SchemaDirMissingError: No schema folder is configured.
            PackageRejectedError: The package has errors (exit 1).
            PackageConflictError: Its only errors are conflicts with this archive (exit 4).
        """
        schema_dir = self._inputs()
        inspection = verify_transfer(self.path, schema_dir)
        report = inspection.report
        if inspection.sidecar is not None and report.is_valid:
            check_conflicts(report, inspection.sidecar, report.package_id)
        package = report.package_id or self.path.name
        if not report.is_valid and inspection.sidecar is not None:
            inspection.sidecar.close()
        if report.only_conflicts:
            raise PackageConflictError(report.findings, package=package)
        if not report.is_valid:
            raise PackageRejectedError(report.findings, package=package)
        return inspection

    def _inputs(self) -> Path:
        """The schema folder, once the package path and it are known to be folders (see :meth:`check`)."""
        if self.path.is_symlink() or not self.path.is_dir():
            raise PackageNotFoundError(path=str(self.path))
        if self.schema_dir is None or not self.schema_dir.is_dir():
            raise SchemaDirMissingError(reason=str(self.schema_dir or "-"))
        return self.schema_dir

    def execute(self) -> ImportResult:
        """Import the package (or recognise it as already imported) and return what happened.

        The files are staged into the store (no address yet) while the package is checked, on a second
        core; a rejected package's staged files are removed, so nothing is stored (see PendingStore).
        """
        self._inputs()
        if (previous := self.already_imported()) is not None:
            return _previous_result(previous)
        with writes.PendingStore(self.path) as pending:
            inspection = self.check()
            try:
                return self._import(inspection, pending)
            finally:
                if inspection.sidecar is not None:
                    inspection.sidecar.close()

    def _import(self, inspection: Inspection, pending: writes.PendingStore) -> ImportResult:
        """Publish the staged files and write every row of a package that passed :meth:`check`."""
        assert inspection.package_dir is not None and inspection.sidecar is not None  # noqa: S101 - check()
        if inspection.classified:
            require_key()  # refused before any object is published: classified files are never kept in plain
        written: list[Path] = []
        # The objects take their addresses while the rows are written; every object is stored before a
        # row refers to it and before the commit (see PendingStore).
        pending.publish(inspection.package_dir, inspection.sidecar)
        try:
            with transaction.atomic():
                result = self._write(inspection, pending, written)
        except IntegrityError as exc:
            _remove(written)
            raise ConflictError(
                _("Gói %(package)s xung đột với dữ liệu vừa được ghi bởi thao tác khác; không nhập gì vào kho."),
                package=inspection.report.package_id,
            ) from exc
        except BaseException:
            _remove(written)
            raise
        return result

    def _write(self, inspection: Inspection, pending: writes.PendingStore, written: list[Path]) -> ImportResult:
        """Every row, the receipt and the events (inside the caller's transaction)."""
        sidecar, report = inspection.sidecar, inspection.report
        assert sidecar is not None and report.package_id and report.root_hash  # noqa: S101 - check()
        now = timezone.localtime()
        agencies = writes.ensure_agencies(sidecar)
        writes.import_relations(sidecar, agencies)
        fonds, created = writes.ensure_fonds(sidecar, agencies)
        if created:
            basis = f"Gói chuyển giao {report.package_id}, mã băm gốc {report.root_hash}"
            writes.import_custody(fonds, sidecar, agencies, now.date(), basis)

        def blobs() -> writes.BlobKeys:
            return writes.BlobKeys(pending.result().content)

        records, documents, files = writes.import_records(fonds, sidecar, blobs)
        stored = pending.result()
        writes.ensure_blobs(stored.package_files.values())
        result = ImportResult(
            status="imported",
            package_id=report.package_id,
            root_hash=report.root_hash,
            fonds=fonds.code,
            sender=str(sidecar["sender"]),
            receiver=str(sidecar.get("receiver") or ""),
            records=records,
            documents=documents,
            files=files,
            bytes=stored.bytes,
            received_at=now.isoformat(timespec="seconds"),
            warnings=[f"[{f.code}] {f.render()}" for f in report.findings],
        )
        written.extend(write_receipt(self.receipt_dir, self._receipt_data(result, inspection)))
        result.receipt = [str(p) for p in written]
        self._register(result, inspection, stored)
        # Classified documents' files are sealed in this transaction; their plaintext files go after the commit.
        SealClassifiedAction(classified_blobs().filter(digital_objects__document__record__fonds=fonds)).execute()
        return result

    def _receipt_data(self, result: ImportResult, inspection: Inspection) -> dict[str, Any]:
        keys = ("package_id", "root_hash", "fonds", "sender", "receiver", "received_at")
        data: dict[str, Any] = {key: getattr(result, key) for key in keys}
        data["counts"] = {k: getattr(result, k) for k in ("records", "documents", "files", "bytes")}
        data["received_by"] = self.received_by
        data["verification"] = {
            "result": "valid",
            "warnings": len(inspection.report.findings),
            "findings": [f"[{f.code}] {f.render()}" for f in inspection.report.findings],
        }
        return data

    def _register(self, result: ImportResult, inspection: Inspection, stored: writes.Stored) -> None:
        """The transfer row and the provenance events."""
        counts = {k: getattr(result, k) for k in ("records", "documents", "files")}
        PackageTransfer.objects.create(
            direction=Direction.IMPORT,
            package_id=result.package_id,
            root_hash=result.root_hash,
            fonds_code=result.fonds,
            sender_code=result.sender,
            receiver_code=result.receiver,
            bytes=result.bytes,
            receipt_path=result.receipt[0] if result.receipt else "",
            report={
                "verification": inspection.report.as_dict(),
                "received_by": self.received_by,
                "package_files": {rel: put.digest for rel, put in sorted(stored.package_files.items())},
            },
            **counts,
        )
        data = {"package_id": result.package_id, "root_hash": result.root_hash, "sender": result.sender, **counts}
        events = [
            log.NewEvent(EventType.ACCESSION, agent=self.agent, object_type="package", object_id=result.package_id,
                         detail=f"transfer package of fonds {result.fonds} received", data=data),
            log.NewEvent(EventType.TRANSFER, agent=self.agent, object_type="fonds", object_id=result.fonds,
                         detail=f"custody from {result.sender} to {result.receiver or 'this archive'}", data=data),
        ]  # fmt: skip
        for record in sidecar_records(inspection.sidecar):  # read once more, a record at a time (flat memory)
            events.extend(
                log.NewEvent(EventType.ACCESSION, agent=self.agent, object_type="document", object_id=doc["doc_code"],
                             detail=f"received in package {result.package_id}",
                             data={"package_id": result.package_id, "record": record["file_code"]})
                for doc in documents_of(record)
            )  # fmt: skip
            if len(events) >= _EVENT_BATCH:  # one chain, appended a batch at a time (flat memory)
                log.append_many(events)
                events = []
        log.append_many(events)


def _remove(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)
