"""Errors of the search app (style.md rule 12): each maps to an exit code and an HTTP status."""

from __future__ import annotations

from kho.core.exceptions import BadInputError, EnvironmentProblemError
from kho.core.text import N_


class SearchQueryError(BadInputError):
    """A search query has out-of-range fields (page, page size, years); ``details`` lists each one."""

    code = "search_query"
    template = N_("Truy vấn tìm kiếm không hợp lệ; sửa các trường được liệt kê.")


class SearchUnavailableError(EnvironmentProblemError):
    """The database has no full-text search backend: Kho searches on SQLite and PostgreSQL only."""

    code = "search_unavailable"
    template = N_("Cơ sở dữ liệu %(vendor)s không hỗ trợ tìm kiếm toàn văn; dùng SQLite hoặc PostgreSQL.")
