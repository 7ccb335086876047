"""Key cells stated explicitly, the 404 contract, decision logging and the registry."""

import json

import pytest
from django.contrib.auth.models import AnonymousUser, Group

from kho.access import levels
from kho.access._subject import agency_subtree_ids, forget_subject, subject_for
from kho.access.exceptions import AccessDeniedError, UnprotectedModelError
from kho.access.levels import Action
from kho.access.models import AccessProfile
from kho.access.policies import DocumentPolicy, can, check, get_visible_or_404, log_decision, policy_for, visible
from kho.access.selectors import documents_for, events_for, records_for
from kho.audit.models import Event
from kho.core.codetables import SecrecyLevel
from kho.core.exceptions import NotFoundError
from kho.records.models import Document
from tests.access import helpers
from tests.access.world import build_world

L = SecrecyLevel
pytestmark = pytest.mark.django_db


def _levels(qs):
    return sorted((d.record.fonds.code, d.record.secrecy_level, d.secrecy_level) for d in qs.select_related("record"))


def test_reader_without_clearance_never_sees_a_secret():
    world = build_world()
    reader = helpers.user(role="reader", **world.scope("all"))
    assert _levels(documents_for(reader)) == [("P-IN", 0, 0), ("P-LISTED", 0, 0), ("P-OUT", 0, 0)]


def test_toi_mat_sees_mat_and_toi_mat_not_tuyet_mat():
    world = build_world()
    reader = helpers.user(role="reader", clearance=L.TOI_MAT, **world.scope("ancestor"))
    assert _levels(documents_for(reader)) == [
        ("P-IN", 0, 0),
        ("P-IN", 0, 1),
        ("P-IN", 0, 2),
        ("P-IN", 1, 0),
        ("P-IN", 1, 2),
    ]


def test_plain_document_in_a_mat_record_is_hidden_from_the_uncleared():
    world = build_world()
    reader = helpers.user(role="reader", **world.scope("ancestor"))
    plain_in_mat = Document.objects.get(record__file_code="IN.MAT", secrecy_level=0)
    assert not can(reader, Action.VIEW, plain_in_mat)
    assert can(reader, Action.VIEW, plain_in_mat).reason == levels.NOT_CLEARED
    assert not documents_for(reader).filter(pk=plain_in_mat.pk).exists()


def test_out_of_scope_is_invisible_even_at_tuyet_mat():
    world = build_world()
    for scope in ("out", "fonds"):
        user = helpers.user(role="leader", clearance=L.TUYET_MAT, **world.scope(scope))
        assert not documents_for(user).filter(record__fonds__code="P-IN").exists()
    outsider = helpers.user(role="leader", clearance=L.TUYET_MAT, **world.scope("out"))
    assert documents_for(outsider).count() == 0
    doc = Document.objects.filter(record__fonds__code="P-IN").first()
    assert can(outsider, Action.VIEW, doc).reason == levels.OUT_OF_SCOPE


def test_agency_scope_covers_descendants_only():
    world = build_world()
    district = helpers.user(role="reader", agencies=[world.agencies["H49.01"]])
    profile = AccessProfile.objects.get(user=district)
    ids = agency_subtree_ids(profile.pk)
    assert ids == {world.agencies["H49.01"].pk, world.agencies["H49.01.01"].pk}
    assert records_for(district).filter(fonds__code="P-IN").exists()
    assert not records_for(district).exclude(fonds__code="P-IN").exists()


def test_superuser_and_anonymous_see_nothing(django_user_model):
    build_world()
    root = django_user_model.objects.create_superuser("root", password=None)
    for user in (root, AnonymousUser(), None):
        assert documents_for(user).count() == 0
        assert events_for(user).count() == 0
    assert subject_for(root).reason == "Account %(user)s has no access profile: access is denied by default."


def test_admin_with_clearance_none_cannot_see_mat_and_never_file_content():
    world = build_world()
    admin = helpers.user(role="admin", clearance=L.TUYET_MAT, **world.scope("all"))
    assert set(documents_for(admin).values_list("secrecy_level", flat=True)) == {0}
    mat = Document.objects.filter(secrecy_level=1).first()
    assert can(admin, Action.VIEW, mat).reason == levels.ROLE_CAPPED
    assert visible(admin, Action.VIEW, mat.digital_objects.all()).count() == 0
    assert events_for(admin).count() == 2


def test_tuyet_mat_is_never_digitizable():
    world = build_world()
    archivist = helpers.user(role="archivist", clearance=L.TUYET_MAT, **world.scope("all"))
    assert documents_for(archivist).filter(secrecy_level=3).exists()
    digitizable = documents_for(archivist, Action.DIGITIZE)
    assert not digitizable.filter(secrecy_level=3).exists()
    assert not digitizable.filter(record__secrecy_level=3).exists()
    assert digitizable.filter(secrecy_level=2).exists()
    top = Document.objects.filter(secrecy_level=3).first()
    assert can(archivist, Action.DIGITIZE, top).reason == levels.NEVER_DIGITIZED


@pytest.mark.parametrize("lookup", ["pk", "uid"])
def test_missing_and_hidden_objects_raise_the_same_404(lookup):
    world = build_world()
    reader = helpers.user(role="reader", **world.scope("ancestor"))
    hidden = Document.objects.get(record__file_code="IN.NONE", secrecy_level=3)
    shown = Document.objects.get(record__file_code="IN.NONE", secrecy_level=0)
    missing_value = 10**9 if lookup == "pk" else "00000000-0000-4000-8000-000000000000"
    qs = Document.objects.all()
    assert get_visible_or_404(reader, Action.VIEW, qs, **{lookup: getattr(shown, lookup)}) == shown
    errors = []
    for value in (getattr(hidden, lookup), missing_value, "not-an-id"):
        with pytest.raises(NotFoundError) as caught:
            get_visible_or_404(reader, Action.VIEW, qs, **{lookup: value})
        errors.append(caught.value)
    first = errors[0]
    for error in errors:
        assert type(error) is NotFoundError
        assert (str(error), error.code, error.exit_code, error.http_status, error.render(), error.details) == (
            str(first),
            first.code,
            first.exit_code,
            first.http_status,
            first.render(),
            first.details,
        )
        assert error.__cause__ is None and error.__suppress_context__


def test_check_raises_without_revealing_the_reason():
    world = build_world()
    reader = helpers.user(role="reader", clearance=L.MAT, **world.scope("ancestor"))
    doc = Document.objects.filter(record__fonds__code="P-IN", secrecy_level=1).first()
    check(reader, Action.VIEW, doc)
    with pytest.raises(AccessDeniedError) as caught:
        check(reader, Action.SIGN, doc)
    assert caught.value.exit_code == 6 and caught.value.http_status == 403
    assert caught.value.decision.reason == levels.ROLE_DENIES
    assert "sign" not in str(caught.value) and "MAT" not in str(caught.value)


def test_log_decision_records_who_what_why_and_where():
    world = build_world()
    reader = helpers.user("nguyenvana", role="reader", **world.scope("ancestor"))
    doc = Document.objects.filter(record__fonds__code="P-IN", secrecy_level=2).first()
    decision = can(reader, Action.DOWNLOAD, doc)
    event = log_decision(reader, Action.DOWNLOAD, doc, decision, {"REMOTE_ADDR": "10.0.0.7", "HTTP_X": "y"})
    stored = Event.objects.get(pk=event.pk)
    assert (stored.event_type, stored.outcome, stored.agent) == ("access", "failure", "user:nguyenvana")
    assert (stored.object_type, stored.object_id) == ("records.document", str(doc.uid))
    assert stored.detail == "Clearance NONE does not cover secrecy level TOI_MAT."
    data = json.loads(stored.data)
    assert data["action"] == "download" and data["allowed"] is False and data["ip"] == "10.0.0.7"
    assert data["reason"] == levels.NOT_CLEARED and data["params"]["object"] == str(doc.uid)
    allowed = log_decision(AnonymousUser(), Action.VIEW, doc, can(None, Action.VIEW, doc))
    assert allowed.agent == "anonymous" and allowed.outcome == "failure"


def test_log_decision_takes_the_address_the_access_log_takes(settings):
    """Behind a trusted proxy the forwarded client is kept; a header sent past no trusted proxy is ignored."""
    world = build_world()
    reader = helpers.user("nguyenvanb", role="reader", **world.scope("ancestor"))
    doc = Document.objects.filter(record__fonds__code="P-IN", secrecy_level=2).first()
    decision = can(reader, Action.DOWNLOAD, doc)
    settings.KHO_TRUSTED_PROXIES = ("10.0.0.0/8",)
    proxied = {"REMOTE_ADDR": "10.0.0.7", "HTTP_X_FORWARDED_FOR": "1.2.3.4, 203.0.113.9"}
    forged = {"REMOTE_ADDR": "198.51.100.5", "HTTP_X_FORWARDED_FOR": "10.9.9.9"}
    ips = [
        json.loads(Event.objects.get(pk=log_decision(reader, Action.DOWNLOAD, doc, decision, meta).pk).data)["ip"]
        for meta in (proxied, forged)
    ]
    assert ips == ["203.0.113.9", "198.51.100.5"]


def test_policy_registry():
    assert isinstance(policy_for(Document), DocumentPolicy)
    with pytest.raises(UnprotectedModelError):
        policy_for(Group)
    with pytest.raises(UnprotectedModelError):
        visible(None, Action.VIEW, Group.objects.all())


def test_action_not_applicable_to_model_is_denied():
    world = build_world()
    archivist = helpers.user(role="archivist", clearance=L.MAT, **world.scope("all"))
    assert not can(archivist, Action.DIGITIZE, world.agencies["H49"])
    assert not can(archivist, Action.AUDIT_VIEW, Document.objects.first())


def test_subject_is_cached_per_user_object_until_forgotten():
    world = build_world()
    reader = helpers.user(role="reader", **world.scope("ancestor"))
    assert documents_for(reader).count() == 1
    AccessProfile.objects.filter(user=reader).update(clearance=int(L.TUYET_MAT))
    assert documents_for(reader).count() == 1
    forget_subject(reader)
    assert documents_for(reader).count() == 7
