"""``kho users create|set|list``: exit codes, validation, no password echo, events on clearance changes."""

import io
import json
import sys

import pytest
from django.contrib.auth import get_user_model

from kho.access.models import AccessProfile
from kho.audit.models import Event
from tests import factories

pytestmark = pytest.mark.django_db
PASSWORD = "Chiến-lược-lưu-trữ-2025!"


@pytest.fixture
def stdin(monkeypatch):
    def feed(text):
        monkeypatch.setattr(sys, "stdin", io.StringIO(text))

    return feed


@pytest.fixture
def tree():
    province = factories.agency("H49")
    district = factories.agency("H49.01", parent=province)
    return province, district, factories.fonds("P-01", owner=district)


def _access_events():
    return [e for e in Event.objects.filter(event_type="access", object_type="access.accessprofile")]


def test_create_with_scope_and_password(kho, stdin, tree):
    stdin(PASSWORD + "\n")
    result = kho(
        "users", "create", "lan", "--role", "archivist", "--clearance", "MAT",
        "--agency", "H49", "--fonds", "P-01", "--password-stdin", "--json",
    )  # fmt: skip
    assert result.code == 0, result.err
    data = result.json()["user"]
    assert data == {
        "username": "lan",
        "active": True,
        "superuser": False,
        "role": "archivist",
        "clearance": "MAT",
        "agencies": ["H49"],
        "fonds": ["P-01"],
        "all_agencies": False,
    }
    user = get_user_model().objects.get(username="lan")
    assert user.check_password(PASSWORD)
    assert PASSWORD not in result.out + result.err
    events = _access_events()
    assert len(events) == 1 and "Clearance changed from NONE to MAT" in events[0].detail
    assert PASSWORD not in events[0].data and events[0].payload["after"]["clearance"] == "MAT"


def test_create_without_password_cannot_sign_in(kho):
    assert kho("users", "create", "minh", "--role", "reader").code == 0
    assert not get_user_model().objects.get(username="minh").has_usable_password()
    assert AccessProfile.objects.get(user__username="minh").clearance == 0


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["--role", "king"], 3),
        (["--role", "reader", "--clearance", "SECRET"], 3),
        (["--role", "reader", "--agency", "H49", "X99", "Y98"], 3),
        (["--role", "reader", "--fonds", "P-99"], 3),
    ],
)
def test_unknown_names_exit_3(kho, tree, args, code):
    result = kho("users", "create", "hoa", *args, "--json")
    assert result.code == code
    assert result.json()["ok"] is False
    assert not get_user_model().objects.filter(username="hoa").exists()


def test_unknown_agencies_are_all_listed(kho, tree):
    result = kho("users", "create", "hoa", "--role", "reader", "--agency", "H49", "X99", "Y98", "--json")
    assert result.json()["error"]["details"] == ["X99", "Y98"]


def test_duplicate_user_exits_4(kho):
    assert kho("users", "create", "tuan", "--role", "reader").code == 0
    result = kho("users", "create", "tuan", "--role", "clerk")
    assert result.code == 4 and "tuan" in result.err
    assert AccessProfile.objects.get(user__username="tuan").role == "reader"


def test_weak_password_is_refused_and_not_echoed(kho, stdin):
    stdin("tuan12\n")
    result = kho("users", "create", "tuan", "--role", "reader", "--password-stdin")
    assert result.code == 2
    assert "tuan12" not in result.out + result.err
    assert not get_user_model().objects.filter(username="tuan").exists()
    stdin("\n")
    assert kho("users", "create", "tuan", "--role", "reader", "--password-stdin").code == 2


def test_set_changes_clearance_with_a_warning_and_an_event(kho, tree):
    assert kho("users", "create", "binh", "--role", "reader", "--agency", "H49").code == 0
    result = kho("users", "set", "binh", "--clearance", "TOI_MAT")
    assert result.code == 0, result.err
    assert "TOI_MAT" in result.out
    profile = AccessProfile.objects.get(user__username="binh")
    assert profile.clearance == 2 and profile.role == "reader"
    assert list(profile.agencies.values_list("code", flat=True)) == ["H49"]
    last = _access_events()[-1]
    assert last.detail.endswith("Clearance changed from NONE to TOI_MAT.")
    assert (last.payload["before"]["clearance"], last.payload["after"]["clearance"]) == ("NONE", "TOI_MAT")


def test_set_replaces_and_clears_scope_and_locks(kho, tree):
    kho("users", "create", "chi", "--role", "reader", "--agency", "H49", "--fonds", "P-01")
    result = kho("users", "set", "chi", "--agency", "--all-agencies", "--no-active", "--json")
    assert result.code == 0, result.err
    data = result.json()["user"]
    assert data["agencies"] == [] and data["fonds"] == ["P-01"] and data["all_agencies"] is True
    assert data["active"] is False


def test_set_unknown_user_exits_3(kho):
    assert kho("users", "set", "ghost", "--role", "reader").code == 3


def test_set_gives_a_profile_to_a_superuser_only_with_a_role(kho, django_user_model):
    django_user_model.objects.create_superuser("root", password=None)
    assert kho("users", "set", "root", "--clearance", "MAT").code == 2
    assert kho("users", "set", "root", "--role", "admin").code == 0
    assert AccessProfile.objects.get(user__username="root").role == "admin"


def test_list_json_includes_accounts_without_profile(kho, django_user_model, tree):
    django_user_model.objects.create_superuser("root", password=None)
    kho("users", "create", "dung", "--role", "leader", "--clearance", "TUYET_MAT", "--all-agencies")
    rows = {row["username"]: row for row in kho("users", "list", "--json").json()["users"]}
    assert rows["root"]["role"] is None and rows["root"]["superuser"] is True
    assert rows["dung"]["clearance"] == "TUYET_MAT" and rows["dung"]["all_agencies"] is True
    human = kho("users", "list")
    assert human.code == 0 and "dung" in human.out and "root" in human.out
    json.dumps(rows)  # JSON-ready
