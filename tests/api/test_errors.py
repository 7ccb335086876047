"""The one error shape: 404 identical for missing and hidden objects, 422, 405, unknown paths, 500s."""

from __future__ import annotations

import logging
import uuid

import pytest

from kho.api.errors import as_kho_error
from kho.api.exceptions import InternalServerError
from tests.api.conftest import assert_error

MISSING = uuid.UUID("00000000-0000-4000-8000-000000000000")


def hidden_and_missing(world):
    """(resource path, a uid the reader may not see) for every detail endpoint."""
    return [
        ("agencies", world.agency_out.uid),
        ("fonds", world.fonds_out.uid),
        ("records", world.record_mat.uid),
        ("records", world.record_out.uid),
        ("documents", world.doc_mat.uid),
        ("documents", world.doc_in_mat_record.uid),
        ("documents", world.doc_out.uid),
    ]


def test_hidden_objects_answer_exactly_like_missing_ones(api, world):
    for resource, hidden in hidden_and_missing(world):
        missing = api.get(f"/api/v1/{resource}/{MISSING}")
        denied = api.get(f"/api/v1/{resource}/{hidden}")
        assert_error(missing, 404, "not_found")
        assert denied.status_code == missing.status_code
        assert denied.content == missing.content, resource
        assert sorted(denied.headers) == sorted(missing.headers)


def test_hidden_file_downloads_answer_like_missing_ones(api, world):
    from tests.api.conftest import stored_file

    secret = stored_file(world.doc_mat, b"%PDF-1.4 secret")
    hidden = api.get(f"/api/v1/documents/{world.doc_mat.uid}/files/{secret.uid}")
    missing = api.get(f"/api/v1/documents/{world.doc_mat.uid}/files/{MISSING}")
    assert assert_error(hidden, 404) == assert_error(missing, 404)
    assert hidden.content == missing.content


def test_hidden_objects_are_absent_from_lists_and_search(api, world):
    hidden = {str(world.doc_mat.uid), str(world.doc_in_mat_record.uid), str(world.doc_out.uid)}
    listed = {d["uid"] for d in api.get("/api/v1/documents", {"limit": 200}).json()["items"]}
    assert listed.isdisjoint(hidden)
    assert api.get("/api/v1/documents", {"record": str(world.record_mat.uid)}).json()["items"] == []


def test_validation_errors_are_422_in_the_same_shape(api, world):
    body = assert_error(api.get("/api/v1/records", {"year": "nineteen"}), 422, "validation_error")
    assert body["details"][0]["loc"] == "query.year"
    assert "nineteen" not in str(body)
    assert_error(api.get("/api/v1/documents/not-a-uuid"), 422, "validation_error")
    assert_error(api.get("/api/v1/agencies", {"q": "a\x00b"}), 422)
    assert_error(api.get("/api/v1/search", {"q": "x" * 1001}), 422)


def test_bad_json_body_is_400(client_for, officer):
    response = client_for(officer).post("/api/v1/fixity/check", "{not json", content_type="application/json")
    assert_error(response, 400, "bad_input")


def test_unknown_paths_and_methods_are_json(api, world):
    assert_error(api.get("/api/v1/nothing-here"), 404, "endpoint_not_found")
    response = api.delete(f"/api/v1/documents/{world.doc.uid}")
    assert_error(response, 405, "method_not_allowed")
    assert "GET" in response["Allow"]


def test_a_bug_is_a_generic_500_and_logged(api, world, monkeypatch, caplog):
    from kho.api.routers import agencies

    def explode(user):
        raise RuntimeError("secret detail: /var/kho/objects and a password")

    monkeypatch.setattr(agencies, "agencies_for", explode)
    with caplog.at_level(logging.ERROR, logger="kho.api"):
        response = api.get("/api/v1/agencies")
    body = assert_error(response, 500, "internal_error")
    assert "secret" not in response.content.decode() and "Traceback" not in response.content.decode()
    assert "details" not in body
    assert any("secret detail" in str(r.exc_info[1]) for r in caplog.records if r.exc_info)


@pytest.mark.parametrize("exc", [KeyError("x"), ValueError("boom"), ZeroDivisionError()])
def test_unexpected_exceptions_map_to_internal_error(exc):
    error = as_kho_error(exc)
    assert isinstance(error, InternalServerError) and error.http_status == 500
    assert "boom" not in error.render()
