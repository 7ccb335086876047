"""``kho search reindex`` rebuilds the full-text index; ``kho search query TEXT`` searches it."""

from __future__ import annotations

import getpass
import html
import re
from typing import Any

from django.core.management.base import CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from kho.audit import log
from kho.audit.vocabulary import EventType
from kho.core.codetables import DOC_TYPE
from kho.core.command import KhoCommand
from kho.core.exceptions import BadInputError, NotFoundError
from kho.records.models import Document, Fonds
from kho.search.backends import MAX_PAGE_SIZE, SearchPage, SearchQuery, get_backend

MARK = re.compile(r"</?mark>")
QUERY_OPTIONS = ("fonds", "type", "year_from", "year_to", "symbol", "page")


def _log_search(options: dict[str, Any], total: int) -> None:
    """One ACCESS event for a command-line search: the words and filters, the operating-system user."""
    try:
        os_user = getpass.getuser()
    except (OSError, KeyError):  # no login name in some containers
        os_user = ""
    query = {"q": " ".join(options["text"])} | {k: options[k] for k in QUERY_OPTIONS if options.get(k) is not None}
    with transaction.atomic():
        log.append(
            EventType.ACCESS,
            object_type="cli:search",
            detail="search",
            data={
                "action": "search",
                "decision": "allowed",
                "via": "cli",
                "os_user": os_user,
                "query": query,
                "total": total,
            },
        )


def plain(snippet: str) -> str:
    """A snippet for a terminal: ``<mark>đảng</mark>`` becomes ``[đảng]`` and entities are unescaped."""
    return html.unescape(MARK.sub(lambda m: "]" if m.group().startswith("</") else "[", snippet))


class Command(KhoCommand):
    """Full-text search: rebuild the index, or search it from the command line."""

    help = _("Tìm kiếm toàn văn: 'reindex' lập lại chỉ mục, 'query' tìm tài liệu.")
    supports_json = True

    def add_arguments(self, parser: CommandParser) -> None:
        """Subcommands ``reindex`` and ``query``."""
        sub = parser.add_subparsers(dest="action", required=True, metavar="reindex|query")
        sub.add_parser("reindex", help=_("Xóa và lập lại chỉ mục của mọi tài liệu."))
        query = sub.add_parser("query", help=_("Tìm tài liệu theo từ khóa (không phân biệt dấu)."))
        query.add_argument("text", nargs="+", metavar="TEXT", help=_("Các từ cần tìm."))
        query.add_argument("--fonds", metavar="CODE", help=_("Chỉ tìm trong phông có mã này."))
        query.add_argument("--type", metavar="CODE", help=_("Chỉ tìm tên loại có mã này (01–32)."))
        query.add_argument("--year-from", type=int, metavar="Y", help=_("Ban hành từ năm Y."))
        query.add_argument("--year-to", type=int, metavar="Y", help=_("Ban hành đến hết năm Y."))
        query.add_argument("--symbol", metavar="S", help=_("Số, ký hiệu văn bản (ví dụ 64-CV/TW)."))
        query.add_argument("--page", type=int, default=1, metavar="N", help=_("Trang kết quả (mặc định 1)."))
        query.add_argument(
            "--page-size", type=int, default=20, metavar="N", help=_("Số kết quả mỗi trang (tối đa 100).")
        )

    def run(self, *args: Any, **options: Any) -> None:
        """Dispatch to the subcommand."""
        if options["action"] == "reindex":
            self._reindex()
        else:
            self._query(options)

    def _reindex(self) -> None:
        backend = get_backend()
        with self.progress(Document.objects.count(), _("Lập chỉ mục")) as advance:
            count = backend.rebuild(progress=advance)
        self.emit(
            {"ok": True, "indexed": count, "backend": type(backend).__name__},
            lambda: self.say(_("Đã lập chỉ mục %(count)s tài liệu.") % {"count": count}),
        )

    def _query(self, options: dict[str, Any]) -> None:
        fonds_ids: tuple[int, ...] = ()
        if code := options.get("fonds"):
            fonds = Fonds.objects.filter(code=code).values_list("pk", flat=True).first()
            if fonds is None:
                raise NotFoundError(_("Không có phông mã “%(code)s”."), code=code)
            fonds_ids = (fonds,)
        type_code = options.get("type")
        if type_code and type_code not in DOC_TYPE:
            raise BadInputError(_("Mã tên loại “%(code)s” không có trong bảng mã (01–32)."), code=type_code)
        if not 1 <= options["page_size"] <= MAX_PAGE_SIZE:
            raise BadInputError(_("--page-size phải từ 1 đến %(max)s."), max=MAX_PAGE_SIZE)
        query = SearchQuery(
            text=" ".join(options["text"]),
            number_symbol=options.get("symbol"),
            fonds_ids=fonds_ids,
            type_codes=(type_code,) if type_code else (),
            year_from=options.get("year_from"),
            year_to=options.get("year_to"),
            page=options["page"],
            page_size=options["page_size"],
        )
        # The command line is the operator's (whoever runs it can read the data directory): it searches every
        # document, and the search is logged like the web's and the API's (README "Access log").
        page = get_backend().search(query, Document.objects.all())
        _log_search(options, page.total)
        self.emit(self._as_json(page), lambda: self._print(page))

    def _as_json(self, page: SearchPage) -> dict[str, Any]:
        documents = self._documents(page)
        return {
            "ok": True,
            "total": page.total,
            "page": page.query.page,
            "pages": page.pages,
            "took_ms": round(page.took_ms, 1),
            "facets": {"type": page.facets.by_type, "year": page.facets.by_year},
            "hits": [
                {
                    "document_id": hit.document_id,
                    "doc_code": documents[hit.document_id][0],
                    "number_symbol": documents[hit.document_id][1],
                    "issued_date": documents[hit.document_id][2],
                    "score": round(hit.score, 6),
                    "snippet": hit.snippet,
                }
                for hit in page.hits
            ],
        }

    def _documents(self, page: SearchPage) -> dict[int, tuple[str, str, Any]]:
        ids = [hit.document_id for hit in page.hits]
        rows = Document.objects.filter(pk__in=ids).values_list("pk", "doc_code", "number_symbol", "issued_date")
        return {pk: (doc_code, symbol, issued) for pk, doc_code, symbol, issued in rows}

    def _print(self, page: SearchPage) -> None:
        self.say(
            _("Tìm thấy %(total)s tài liệu, trang %(page)s/%(pages)s (%(ms)s ms).")
            % {"total": page.total, "page": page.query.page, "pages": max(page.pages, 1), "ms": round(page.took_ms)}
        )
        documents = self._documents(page)
        for number, hit in enumerate(page.hits, start=page.query.offset + 1):
            doc_code, symbol, issued = documents[hit.document_id]
            self.say(f"{number:>4}. {doc_code}  {symbol or '-'}  {issued or ''}")
            self.say(f"      {plain(hit.snippet)}")
