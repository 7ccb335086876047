"""Bearer-token authentication: missing, malformed, unknown, revoked, expired and good tokens."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from kho.api import _keys
from kho.api.actions import CreateTokenAction, RevokeTokenAction, authenticate
from kho.api.models import ApiToken
from kho.audit.models import Event
from tests.api.conftest import assert_error

URL = "/api/v1/agencies"


def bearer(token: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def test_no_token_is_401_with_challenge(world):
    response = Client().get(URL)
    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "header",
    [
        "Bearer",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "Bearer not-a-kho-token",
        "Bearer kho_0123456789ab_" + "A" * 43,  # well formed, unknown prefix
        "Bearer kho_0123456789ab_" + "A" * 44,  # one character too many
        "bearer\x00kho",
    ],
)
def test_bad_tokens_are_401(world, header):
    assert_error(Client(HTTP_AUTHORIZATION=header).get(URL), 401, "not_authenticated")


def test_good_token_is_200_and_marks_last_use(reader, token_for):
    token = token_for(reader)
    response = bearer(token).get(URL)
    assert response.status_code == 200
    assert [a["code"] for a in response.json()["items"]] == ["H49"]
    assert ApiToken.objects.get(user=reader).last_used_at is not None


def test_wrong_secret_with_a_real_prefix_is_401(reader, token_for):
    token = token_for(reader)
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert_error(bearer(forged).get(URL), 401)


def test_revoked_token_is_401(reader, token_for):
    token = token_for(reader)
    assert bearer(token).get(URL).status_code == 200
    RevokeTokenAction(ApiToken.objects.get(user=reader).pk).execute()
    assert_error(bearer(token).get(URL), 401, "not_authenticated")


def test_expired_token_is_401(reader, token_for):
    token = token_for(reader, expires_days=1)
    assert bearer(token).get(URL).status_code == 200
    ApiToken.objects.filter(user=reader).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert_error(bearer(token).get(URL), 401)


def test_disabled_account_is_401(reader, token_for):
    token = token_for(reader)
    reader.is_active = False
    reader.save()
    assert_error(bearer(token).get(URL), 401)


def test_user_without_profile_authenticates_but_sees_nothing(world, client_for):
    from tests.access import helpers

    nobody = helpers.user("nobody")
    response = client_for(nobody).get(URL)
    assert response.status_code == 200
    assert response.json() == {"items": [], "next_cursor": None}


def test_only_the_hash_is_stored_and_the_event_names_no_secret(reader):
    issued = CreateTokenAction("reader", "scanner room A").execute()
    row = ApiToken.objects.get(pk=issued.row.pk)
    assert row.key_hash == _keys.hash_token(issued.token) and row.key_hash.startswith("sha256:")
    assert issued.token.split("_", 2)[2] not in row.key_hash
    assert issued.token.startswith(f"kho_{row.prefix}_")
    event = Event.objects.filter(object_type="api.apitoken", object_id=str(row.pk)).get()
    assert issued.token not in event.data and issued.token.split("_", 2)[2] not in event.data


def test_last_use_is_written_at_most_once_a_minute(reader):
    issued = CreateTokenAction("reader", "t").execute()
    now = timezone.now()
    assert authenticate(issued.token, now) == reader
    first = ApiToken.objects.get(pk=issued.row.pk).last_used_at
    assert authenticate(issued.token, now + timedelta(seconds=5)) == reader
    assert ApiToken.objects.get(pk=issued.row.pk).last_used_at == first
    authenticate(issued.token, now + timedelta(seconds=61))
    assert ApiToken.objects.get(pk=issued.row.pk).last_used_at > first


def test_openapi_document_needs_no_token(world):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"
    assert "/api/v1/documents/{uid}/files/{file_uid}" in schema["paths"]


def test_keys_are_random_and_well_formed():
    keys = {_keys.generate().token for _ in range(50)}
    assert len(keys) == 50
    assert all(_keys.split(token) for token in keys)
    assert _keys.split("kho_XYZ_abc") is None
