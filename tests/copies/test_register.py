"""Register numbering: sequential per year, gap-free when a copy fails, safe under concurrent copies on PostgreSQL."""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from typing import Any

import pytest
from django.db import connection, transaction
from django.utils import timezone

from kho.access.exceptions import AccessDeniedError
from kho.audit.models import Event
from kho.copies import actions
from kho.copies.actions import MakeMarkedCopyAction, next_number
from kho.copies.exceptions import UnmarkableFileError, UnreadablePdfError
from kho.copies.models import CopyCounter, CopyEntry, CopyKind
from tests.copies.conftest import pdf_text
from tests.web.conftest import add_text

pytestmark = pytest.mark.django_db


def access_pdf(document):
    return document.digital_objects.get(role="access")


def test_numbers_run_one_two_three_within_a_year_and_restart_the_next(staff):
    user, obj = staff.users["cleared"], access_pdf(staff.documents["secret"])
    copies = [MakeMarkedCopyAction(user, obj, CopyKind.DOWNLOAD).execute() for _ in range(3)]
    year = timezone.localtime().year
    assert [c.entry.register_no for c in copies] == [f"1/{year}", f"2/{year}", f"3/{year}"]
    with transaction.atomic():
        assert next_number(year + 1) == 1 and next_number(year + 1) == 2
    assert CopyCounter.objects.get(year=year).last == 3


def test_an_entry_records_who_what_when_where_and_the_digest_of_the_marked_bytes(staff):
    import hashlib

    user, obj = staff.users["cleared"], access_pdf(staff.documents["secret"])
    action = MakeMarkedCopyAction(
        user, obj, CopyKind.PRINT, purpose="  Họp  giao ban\n", request_meta={"REMOTE_ADDR": "10.1.2.3"}
    )
    copy = action.execute()
    entry = CopyEntry.objects.get()
    assert entry == copy.entry and entry.document == obj.document and entry.digital_object == obj
    assert (entry.kind, entry.copies, entry.secrecy_level, entry.purpose) == ("print", 1, 1, "Họp giao ban")
    assert entry.user == user and entry.user_display == "Trần Thị (cleared)" and entry.client_address == "10.1.2.3"
    assert entry.doc_code == obj.document.doc_code and entry.number_symbol == "17/QĐ-UBND"
    assert entry.digest == "sha256:" + hashlib.sha256(copy.data).hexdigest()
    assert f"Bản sao số {entry.register_no} — Trần Thị (cleared)" in pdf_text(copy.data)[0]
    event = Event.objects.filter(event_type="access").latest("seq")
    assert event.agent == "user:cleared" and event.payload["copy"]["register_no"] == entry.register_no
    assert "Kế hoạch" not in event.data and "Kế hoạch" not in event.detail  # no subject in the log


def test_the_record_level_counts_for_a_document_of_a_secret_record(staff):
    obj = access_pdf(staff.documents["in_secret_record"])
    entry = MakeMarkedCopyAction(staff.users["cleared"], obj, CopyKind.DOWNLOAD).execute().entry
    assert entry.secrecy_level == 1


def test_a_copy_that_fails_to_draw_leaves_no_entry_and_no_gap(staff, monkeypatch):
    user, obj = staff.users["cleared"], access_pdf(staff.documents["secret"])
    MakeMarkedCopyAction(user, obj, CopyKind.DOWNLOAD).execute()

    def broken(source, mark):
        raise UnreadablePdfError(problem="test")

    monkeypatch.setattr(actions, "mark_pdf", broken)
    events = Event.objects.count()
    with pytest.raises(UnreadablePdfError):
        MakeMarkedCopyAction(user, obj, CopyKind.DOWNLOAD).execute()
    assert CopyEntry.objects.count() == 1 and Event.objects.count() == events
    monkeypatch.undo()
    assert MakeMarkedCopyAction(user, obj, CopyKind.DOWNLOAD).execute().entry.seq == 2


def test_check_refuses_users_without_the_right_and_writes_nothing(staff):
    obj = access_pdf(staff.documents["secret"])
    for name in ("reader", "outsider", "admin", "officer", "nobody"):
        with pytest.raises(AccessDeniedError):
            MakeMarkedCopyAction(staff.users[name], obj, CopyKind.DOWNLOAD).execute()
    assert not CopyEntry.objects.exists() and not CopyCounter.objects.exists()


def test_files_that_cannot_carry_a_mark_are_refused(staff):
    text = add_text(staff.documents["in_secret_record"], "Nội dung mật")
    with pytest.raises(UnmarkableFileError) as info:
        MakeMarkedCopyAction(staff.users["cleared"], text, CopyKind.DOWNLOAD).execute()
    assert info.value.http_status == 409 and not CopyEntry.objects.exists()


def test_the_client_address_is_taken_as_the_access_log_takes_it(staff, settings):
    obj = access_pdf(staff.documents["secret"])
    settings.KHO_TRUSTED_PROXIES = ("10.0.0.0/8",)
    forwarded = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "192.0.2.7, 10.0.0.2"}
    behind = MakeMarkedCopyAction(staff.users["cleared"], obj, "download", request_meta=forwarded).execute()
    assert behind.entry.client_address == "192.0.2.7"
    forged = {"REMOTE_ADDR": "192.0.2.9", "HTTP_X_FORWARDED_FOR": "198.51.100.1"}
    direct = MakeMarkedCopyAction(staff.users["cleared"], obj, "download", request_meta=forged).execute()
    assert direct.entry.client_address == "192.0.2.9"  # a header from an untrusted client is ignored


def test_a_malformed_client_address_is_left_out_not_refused(staff):
    obj = access_pdf(staff.documents["secret"])
    entry = MakeMarkedCopyAction(staff.users["cleared"], obj, "download", request_meta={"REMOTE_ADDR": "x"}).execute()
    assert entry.entry.client_address is None


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks between threads need a server database")
def test_two_threads_copying_at_once_get_two_different_consecutive_numbers(staff, flushable_audit, monkeypatch):
    """Both threads hold a number at the same moment unless the counter row lock serialises them.

    The second barrier sits between taking the number and writing the entry. With the lock the second
    thread waits in ``select_for_update``, the first one's barrier times out and it commits; without the
    lock both would read the same ``last`` and one copy would fail on the unique number.
    """
    user, obj = staff.users["cleared"], access_pdf(staff.documents["secret"])
    CopyCounter.objects.create(year=timezone.localtime().year, last=0)
    start, numbered, results, errors = threading.Barrier(2), threading.Barrier(2), [], []
    real_mark = actions.copy_mark

    def copy_mark(*args: Any) -> Any:
        with contextlib.suppress(threading.BrokenBarrierError):  # the other thread waits on the counter lock
            numbered.wait(timeout=3)
        return real_mark(*args)

    monkeypatch.setattr(actions, "copy_mark", copy_mark)

    def copy() -> None:
        try:
            start.wait(timeout=30)
            results.append(MakeMarkedCopyAction(user, obj, CopyKind.DOWNLOAD).execute().entry.seq)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=copy) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors and sorted(results) == [1, 2]
    assert sorted(CopyEntry.objects.values_list("seq", flat=True)) == [1, 2]


def test_the_year_follows_local_time(staff, monkeypatch):
    late = dt.datetime(2026, 12, 31, 17, 30, tzinfo=dt.UTC)  # 00:30 on 1 January 2027 in Hà Nội
    monkeypatch.setattr(actions.timezone, "now", lambda: late)
    entry: Any = MakeMarkedCopyAction(
        staff.users["cleared"], access_pdf(staff.documents["secret"]), "download"
    ).execute()
    assert entry.entry.year == 2027 and entry.entry.register_no == "1/2027"
