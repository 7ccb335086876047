"""``kho validate bag PATH`` and ``kho validate package PATH``: check a bag or a package, report every finding.

``bag`` runs the BagIt 1.0 validator (structure, manifests, every checksum, unsafe paths, symlinks).
``package`` takes a transfer package (a bag: everything ``kho import package`` checks, without touching
the archive) or a bare E-ARK CSIP folder (CSIP rules, METS/PREMIS/EAD against the XSDs, checksums).
Exit 0 when valid (warnings allowed), 1 when invalid with every finding listed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from kho.core.command import KhoCommand
from kho.packages.exceptions import PackageNotFoundError, SchemaDirMissingError, ValidationFailedError
from kho.packages.formats import Finding, validate_bag
from kho.packages.formats.eark import validate_package
from kho.packages.verify import verify_transfer

EPILOG = _("Mã thoát: 0 hợp lệ (có thể có cảnh báo); 1 không hợp lệ (liệt kê mọi lỗi); 3 không có thư mục; "
           "5 thiếu KHO_SCHEMA_DIR.")  # fmt: skip


class Command(KhoCommand):
    """Validate a BagIt bag or an (E-ARK / transfer) package."""

    help = _("Kiểm tra túi BagIt hoặc gói E-ARK/gói chuyển giao; liệt kê mọi lỗi.")
    supports_json = True

    def add_arguments(self, parser: CommandParser) -> None:
        """Subcommands ``bag PATH`` (``--fast``) and ``package PATH``."""
        parser.epilog = EPILOG
        sub = parser.add_subparsers(dest="what", required=True, metavar="{bag,package}")
        bag = sub.add_parser("bag", help=_("Túi BagIt 1.0: cấu trúc, manifest, mọi mã băm."), epilog=EPILOG)
        bag.add_argument("path", type=Path, metavar="PATH")
        bag.add_argument("--fast", action="store_true", help=_("Không tính mã băm (chỉ cấu trúc và Payload-Oxum)."))
        text = _("Gói chuyển giao (túi BagIt chứa gói E-ARK) hoặc thư mục gói E-ARK CSIP.")
        package = sub.add_parser("package", help=text, description=text, epilog=EPILOG)
        package.add_argument("path", type=Path, metavar="PATH")

    def run(self, *args: Any, **options: Any) -> None:
        """Validate, print the findings, raise when invalid."""
        path: Path = options["path"]
        if path.is_symlink() or not path.is_dir():
            raise PackageNotFoundError(path=str(path))
        if options["what"] == "bag":
            report = validate_bag(path, fast=options["fast"])
            findings, facts = report.findings, {"version": report.version, "payload_files": report.payload_files}
        else:
            findings, facts = self._package(path)
        valid = not any(f.severity == "error" for f in findings)
        data: dict[str, Any] = {"ok": valid, "path": str(path), "valid": valid, **facts}
        data["findings"] = [{**f.as_dict(), "text": f.render()} for f in findings]
        self.emit(data, lambda: self._print(path, findings, valid))
        if not valid:
            raise ValidationFailedError(findings, path=str(path))

    def _package(self, path: Path) -> tuple[list[Finding], dict[str, Any]]:
        schema_dir = settings.KHO_SCHEMA_DIR
        if schema_dir is None or not Path(schema_dir).is_dir():
            raise SchemaDirMissingError(reason=str(schema_dir or "-"))
        if (path / "bagit.txt").exists() or (path / "data").is_dir():
            report = verify_transfer(path, Path(schema_dir)).report
            facts = {"kind": "transfer", "package_id": report.package_id, "root_hash": report.root_hash}
            return report.findings, {**facts, "counts": report.counts}
        package = validate_package(path, Path(schema_dir))
        return package.findings, {"kind": "eark", "package_id": package.package_id}

    def _print(self, path: Path, findings: list[Finding], valid: bool) -> None:  # noqa: FBT001
        for finding in findings:
            if finding.severity == "warning":
                self.say(_("  cảnh báo [%(code)s] %(text)s") % {"code": finding.code, "text": finding.render()})
        if valid:
            self.say(_("Hợp lệ: %(path)s") % {"path": path}, self.style.SUCCESS)
