"""Property-based API test: requests generated from the OpenAPI document never get a 5xx.

Schemathesis calls the Django WSGI application in-process, inside the test's database transaction, with
a valid bearer token of a province-wide security officer (so the fixity endpoints run too).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error


@pytest.fixture
def keep_connection() -> Iterator[None]:
    """Keep the test's database connection across WSGI requests, as Django's test client does.

    A WSGI request ends with ``close_old_connections``; on PostgreSQL that would close the connection
    holding the test transaction.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def auth_header(officer: Any, token_for: Any) -> dict[str, str]:
    """A valid bearer token header."""
    return {"Authorization": f"Bearer {token_for(officer)}"}


# Loaded at collection (the document needs no database). schemathesis.pytest.from_fixture would defer it,
# but schemathesis 4.32 reads ``request.node._nodeid``, which pytest 9 no longer has.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@schema.parametrize()
@settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors(case: Any, world: Any, keep_connection: None, auth_header: dict[str, str]) -> None:
    response = case.call(headers=auth_header)
    case.validate_response(response, checks=[not_a_server_error])
