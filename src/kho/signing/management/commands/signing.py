"""``kho signing test-ca --agency CODE`` and ``kho signing verify FILE``: organisation signatures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from kho.agencies.models import Agency
from kho.core.command import KhoCommand
from kho.core.exceptions import NotFoundError, ProblemsFoundError
from kho.signing.models import AgencySigner
from kho.signing.service import verify_copy
from kho.signing.testca import issue_signer


class Command(KhoCommand):
    """Signing identities and signature verification."""

    help = _("Chữ ký số cơ quan: 'test-ca' cấp chứng thư thử nghiệm, 'verify' kiểm tra chữ ký của tệp PDF.")
    supports_json = True

    def add_arguments(self, parser: CommandParser) -> None:
        """Subcommands."""
        sub = parser.add_subparsers(dest="action", required=True, metavar="test-ca|verify")
        test_ca = sub.add_parser("test-ca", help=_("Cấp chứng thư thử nghiệm (không dùng thật) cho một cơ quan."))
        test_ca.add_argument("--agency", required=True, metavar="CODE")
        verify = sub.add_parser("verify", help=_("Kiểm tra chữ ký số trong tệp PDF."))
        verify.add_argument("file", type=Path, metavar="FILE")

    def run(self, *args: Any, **options: Any) -> None:
        """Dispatch."""
        if options["action"] == "test-ca":
            self._test_ca(options["agency"])
        else:
            self._verify(options["file"])

    def _test_ca(self, code: str) -> None:
        agency = Agency.objects.filter(code=code).first()
        if agency is None:
            raise NotFoundError(_("Không có cơ quan mã “%(code)s”."), code=code)
        identity = issue_signer(Path(settings.DATA_DIR) / "keys", agency.name, agency.code.lower())
        AgencySigner.objects.update_or_create(
            agency=agency,
            defaults={
                "organisation": agency.name,
                "key_path": str(identity.key_path),
                "cert_path": str(identity.cert_path),
                "chain_paths": [str(p) for p in identity.chain_paths],
                "active": True,
            },
        )
        self.emit(
            {"ok": True, "agency": code, "certificate": str(identity.cert_path)},
            lambda: self.say(
                _("Đã cấp chứng thư thử nghiệm cho %(name)s.") % {"name": agency.name}, self.style.SUCCESS
            ),
        )

    def _print(self, rows: list[dict[str, Any]]) -> None:
        for row in rows:
            self.say(f"{'✓' if row['ok'] else '✗'} {row['signer']} ({row['signed_at']})")

    def _verify(self, path: Path) -> None:
        if not path.is_file():
            raise NotFoundError(_("Không tìm thấy tệp “%(path)s”."), path=str(path))
        statuses = verify_copy(path)
        rows = [
            {
                "field": s.field,
                "signer": s.signer,
                "signed_at": s.signed_at,
                "ok": s.ok,
                "intact": s.intact,
                "valid": s.valid,
                "trusted": s.trusted,
                "whole_file": s.covers_whole_file,
            }
            for s in statuses
        ]
        self.emit(
            {"ok": bool(rows) and all(r["ok"] for r in rows), "signatures": rows},
            lambda: self._print(rows),
        )
        if not rows or not all(r["ok"] for r in rows):
            raise ProblemsFoundError(_("Tệp không có chữ ký số hợp lệ, tin cậy và phủ toàn bộ tệp."))
