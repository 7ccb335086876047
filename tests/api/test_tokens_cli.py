"""``kho tokens create|revoke|list``: the token is printed once, only its hash is kept, exit codes."""

from __future__ import annotations

import pytest
from django.test import Client

from kho.access.exceptions import AccessDeniedError
from kho.api.actions import CreateTokenAction, RevokeTokenAction
from kho.api.models import ApiToken
from tests.access import helpers


def test_create_list_revoke(kho, db):
    user = helpers.user("scanner", role="clerk", all_agencies=True)
    created = kho("tokens", "create", "scanner", "--name", "Máy quét phòng A", "--expires-days", "30", "--json")
    assert created.code == 0, created.err
    data = created.json()["token"]
    assert data["token"].startswith(f"kho_{data['prefix']}_")
    assert data["user"] == "scanner" and data["state"] == "active" and data["expires_at"]
    assert Client(HTTP_AUTHORIZATION=f"Bearer {data['token']}").get("/api/v1/fonds").status_code == 200

    listed = kho("tokens", "list", "--json")
    assert listed.code == 0
    assert data["token"] not in listed.out
    assert [(t["id"], t["name"], t["state"]) for t in listed.json()["tokens"]] == [
        (data["id"], "Máy quét phòng A", "active")
    ]

    revoked = kho("tokens", "revoke", str(data["id"]), "--json")
    assert revoked.code == 0 and revoked.json()["token"]["state"] == "revoked"
    assert Client(HTTP_AUTHORIZATION=f"Bearer {data['token']}").get("/api/v1/fonds").status_code == 401
    again = kho("tokens", "revoke", str(data["id"]), "--json")
    assert again.code == 4 and again.json()["error"]["code"] == "token_revoked"
    assert ApiToken.objects.get(pk=data["id"]).user == user


def test_human_output_shows_the_token_once(kho, db):
    helpers.user("reader2", role="reader")
    result = kho("tokens", "create", "reader2", "--name", "script")
    assert result.code == 0
    token = next(line for line in result.out.splitlines() if line.startswith("kho_"))
    assert ApiToken.objects.get().prefix in token
    assert token not in kho("tokens", "list").out


def test_errors_have_exit_codes(kho, db):
    assert kho("tokens", "create", "ghost", "--name", "x").code == 3
    helpers.user("someone", role="reader")
    assert kho("tokens", "create", "someone", "--name", "   ").code == 2
    assert kho("tokens", "create", "someone", "--name", "x", "--expires-days", "0").code == 2
    assert kho("tokens", "revoke", "999").code == 3


def test_signed_in_actors_manage_only_their_own_tokens(db):
    clerk = helpers.user("clerk1", role="clerk")
    other = helpers.user("clerk2", role="clerk")
    admin = helpers.user("admin1", role="admin")
    own = CreateTokenAction("clerk1", "mine", actor=clerk).execute()
    with pytest.raises(AccessDeniedError):
        CreateTokenAction("clerk1", "not yours", actor=other).execute()
    with pytest.raises(AccessDeniedError):
        RevokeTokenAction(own.row.pk, actor=other).execute()
    assert CreateTokenAction("clerk2", "by admin", actor=admin).execute().row.user == other
    assert RevokeTokenAction(own.row.pk, actor=clerk).execute().revoked_at is not None
