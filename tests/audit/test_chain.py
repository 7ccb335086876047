"""The hash-chained event log: appends link, any edit or removal is found and named."""

import pytest
from django.db import DatabaseError, connection, transaction
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from kho.audit import log
from kho.audit.chain import GENESIS_HASH, event_hash
from kho.audit.models import AppendOnlyError, Event
from kho.audit.vocabulary import EventType, Outcome


def _append(n):
    with transaction.atomic():
        return [
            log.append(
                EventType.INGESTION,
                object_type="document",
                object_id=f"D{i}",
                detail="lưu trữ",
                data={"i": i, "tên": "Đảng"},
            )
            for i in range(n)
        ]


def _tamper(sql, params):
    """Edit the log the way an attacker with database access would: triggers off, raw SQL."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
        else:
            cursor.execute("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only")
        cursor.execute(sql, params)


@pytest.mark.django_db
def test_events_link_into_a_chain():
    events = _append(5)
    assert events[0].prev_hash == GENESIS_HASH
    for before, after in zip(events, events[1:], strict=False):
        assert after.prev_hash == before.hash
        assert after.seq == before.seq + 1
    report = log.verify_chain()
    assert report.ok and report.checked == 5 and report.head_hash == events[-1].hash


@pytest.mark.django_db
def test_edited_event_is_named(kho):
    events = _append(6)
    _tamper("UPDATE audit_event SET detail = %s WHERE seq = %s", ["sửa trộm", events[3].seq])
    result = kho("audit", "verify")
    assert result.code == 1
    assert f"{events[3].seq}" in result.err and str(events[3].uid) in result.err
    as_json = kho("audit", "verify", "--json")
    assert as_json.code == 1
    assert as_json.json()["broken_seq"] == events[3].seq


@pytest.mark.django_db
def test_deleted_event_is_named():
    events = _append(4)
    _tamper("DELETE FROM audit_event WHERE seq = %s", [events[1].seq])
    report = log.verify_chain()
    assert not report.ok and report.broken_seq == events[2].seq


@pytest.mark.django_db
def test_truncated_tail_is_detected():
    events = _append(3)
    _tamper("DELETE FROM audit_event WHERE seq = %s", [events[2].seq])
    report = log.verify_chain()
    assert not report.ok
    assert "removed from the end" in report.reason


@pytest.mark.django_db
def test_recomputed_hash_without_relinking_is_detected():
    events = _append(4)
    forged = events[1].chained_fields() | {"detail": "giả mạo"}
    _tamper(
        "UPDATE audit_event SET detail = %s, hash = %s WHERE seq = %s",
        ["giả mạo", event_hash(forged), events[1].seq],
    )
    report = log.verify_chain()
    assert not report.ok and report.broken_seq == events[2].seq


@pytest.mark.django_db
def test_orm_refuses_changes():
    event = _append(1)[0]
    event.detail = "x"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        Event.objects.all().update(detail="x")
    with pytest.raises(AppendOnlyError):
        Event.objects.all().delete()


@pytest.mark.django_db
@pytest.mark.parametrize("sql", ["UPDATE audit_event SET detail = 'x'", "DELETE FROM audit_event"])
def test_database_trigger_refuses_raw_changes(sql):
    _append(1)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert Event.objects.count() == 1


class ChainPropertyTests(HypothesisTestCase):
    @settings(max_examples=25, deadline=None)
    @given(
        st.lists(
            st.tuples(st.sampled_from(list(EventType)), st.sampled_from(list(Outcome)), st.text(max_size=40)),
            min_size=1,
            max_size=6,
        ),
        st.data(),
    )
    def test_any_single_field_edit_breaks_the_chain(self, rows, data):
        with transaction.atomic():
            events = [log.append(t, outcome=o, detail=d, data={"d": d}) for t, o, d in rows]
        assert log.verify_chain().ok
        victim = data.draw(st.sampled_from(events))
        field = data.draw(st.sampled_from(["detail", "agent", "object_id", "data", "outcome"]))
        fields = victim.chained_fields()
        fields[field] = fields[field] + "x" if field != "data" else '{"d":"khác"}'
        assert event_hash(fields) != victim.hash
