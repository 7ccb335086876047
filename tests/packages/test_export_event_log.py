"""The export keeps its PREMIS events on disk and drops per-file state early (issue #5): same bytes as in memory."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import IO, Any

import pytest
from django.conf import settings

from kho.packages import _collect
from kho.packages import _events as audit_events
from kho.packages.export import ExportPackageAction
from kho.packages.formats import _eark_write, premis, spill
from kho.packages.formats._copyworker import CopyFailure
from kho.packages.formats._earkxml import StoredFile
from kho.packages.formats.eark_errors import PackageWriteError
from kho.packages.formats.earkspec import AgentSpec, EventSpec
from kho.packages.formats.premis import EventLog, build_premis
from kho.records.models import Document, Record
from tests.packages.test_transfer_fixtures import ARCHIVE, FONDS, build_source

UTC = dt.UTC
ICT = dt.timezone(dt.timedelta(hours=7))
AGENTS = (AgentSpec("software:kho", "Kho", "software"), AgentSpec("org:H1", "Huyện", "organization"))


def _files(*names: str) -> list[StoredFile]:
    return [StoredFile(f"representations/rep1/data/{name}", "ab" * 32, 10, "application/pdf", "") for name in names]


def _event(n: int, moment: dt.datetime, *objects: str, agent: str = "software:kho") -> EventSpec:
    return EventSpec(
        identifier=f"{n:08x}-0000-4000-8000-000000000000",
        event_type="fixity check",
        date_time=moment,
        detail=f"blob:{n} kiểm tra",
        outcome_detail=f"kho audit #{n}",
        agents=((agent, "executing agent"),),
        objects=tuple(f"representations/rep1/data/{name}" for name in objects),
    )


def _events() -> list[EventSpec]:
    """Events in an order PREMIS must change: equal seconds, other offsets, shared and repeated objects."""
    noon = dt.datetime(2025, 7, 1, 12, 0, 0, tzinfo=UTC)
    return [
        _event(9, noon, "b.pdf", "a.pdf"),
        _event(3, noon.replace(microsecond=500), "b.pdf"),  # the same second as 9: ordered by identifier
        _event(5, noon.astimezone(ICT), "c.pdf", "c.pdf"),  # the same moment written with +07:00
        _event(1, noon + dt.timedelta(days=1)),  # no object
        _event(7, noon - dt.timedelta(days=1), "a.pdf", agent="org:H1"),
        *(_event(100 + n, noon + dt.timedelta(seconds=n), "d.pdf") for n in range(7)),
    ]


def test_event_log_writes_the_bytes_of_a_tuple_of_events(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(premis, "_BATCH", 2)  # many batches: every read crosses them
    files = _files("d.pdf", "a.pdf", "c.pdf", "b.pdf", "e.pdf")
    with EventLog(_events()) as log:
        assert len(log) == 12 and not log.has_duplicate()
        assert build_premis(files, log, AGENTS) == build_premis(files, tuple(_events()), AGENTS)
        assert build_premis(files, log, AGENTS) == build_premis(files, tuple(reversed(_events())), AGENTS)
        assert [e.identifier for e in log] == [e.identifier for e in log]  # read again on every pass


@pytest.mark.parametrize(
    ("events", "message"),
    [
        ([_event(1, dt.datetime(2025, 1, 1, tzinfo=UTC)), _event(1, dt.datetime(2025, 1, 2, tzinfo=UTC))], "share"),
        ([_event(1, dt.datetime(2025, 1, 1, tzinfo=UTC)), _event(1, dt.datetime(2025, 1, 1, tzinfo=UTC))], "share"),
        ([_event(1, dt.datetime(2025, 1, 1, tzinfo=UTC), agent="user:x")], "unknown agent user:x"),
        ([_event(1, dt.datetime(2025, 1, 1, tzinfo=UTC), "0.pdf")], "0.pdf, which is not"),  # before every file
        ([_event(1, dt.datetime(2025, 1, 1, tzinfo=UTC), "a.pdf", "aa.pdf")], "aa.pdf, which is not"),  # between
        ([_event(1, dt.datetime(2025, 1, 1, tzinfo=UTC), "z.pdf")], "z.pdf, which is not"),  # after the last
    ],
)
def test_event_log_refuses_what_a_tuple_is_refused_for(events: list[EventSpec], message: str) -> None:
    files = _files("a.pdf", "b.pdf")
    with pytest.raises(PackageWriteError) as tuple_error:
        build_premis(files, tuple(events), AGENTS)
    with EventLog(events) as log, pytest.raises(PackageWriteError) as log_error:
        build_premis(files, log, AGENTS)
    assert message in log_error.value.render() and log_error.value.render() == tuple_error.value.render()


def test_event_log_refuses_a_naive_time() -> None:
    with EventLog() as log, pytest.raises(PackageWriteError, match="time zone"):
        log.add(_event(1, dt.datetime(2025, 1, 1)))  # noqa: DTZ001 - the bad input under test


def test_a_failed_copy_names_the_package_path_from_the_job_list() -> None:
    failure = CopyFailure("size", 3, text="7", target="/out/KHO-P/representations/rep1/data/a.pdf", expected=9)
    with pytest.raises(PackageWriteError) as error:
        _eark_write._raise_failure(failure, "/out/KHO-P")
    assert error.value.render() == "representations/rep1/data/a.pdf is 7 bytes, not 9."
    with pytest.raises(OSError, match="gone"):
        _eark_write._raise_failure(CopyFailure("os", 0, 2, "gone", "/src"), "/out/KHO-P")


@pytest.mark.django_db
def test_export_with_many_event_batches_writes_premis_as_from_memory(tmp_path: Path, monkeypatch: Any) -> None:
    build_source(tmp_path, records=3, docs=3)
    monkeypatch.setattr(premis, "_BATCH", 2)  # more events than a batch: they go to disk in many pieces
    real = _eark_write.write_premis
    seen: list[int] = []

    def compare(out: IO[bytes], files: Any, events: Any, agents: Any) -> None:
        assert isinstance(events, EventLog)
        in_memory = tuple(reversed(list(events)))
        seen.append(len(in_memory))
        assert build_premis(files, events, agents) == build_premis(files, in_memory, agents)
        real(out, files, events, agents)

    monkeypatch.setattr(_eark_write, "write_premis", compare)
    ExportPackageAction(FONDS, tmp_path / "bag", receiver=ARCHIVE, schema_dir=settings.KHO_SCHEMA_DIR).execute()
    assert seen and seen[0] > 2 * premis._BATCH


@pytest.mark.django_db
def test_event_links_from_spilled_path_maps_are_those_from_memory(tmp_path: Path, monkeypatch: Any) -> None:
    """The per-document and per-object path maps spill past a few thousand entries: same PREMIS links."""
    build_source(tmp_path, records=3, docs=3)
    monkeypatch.setattr(audit_events, "_CHUNK", 2)  # the object ids are read from the maps in many chunks
    links = []
    for limit in (1, 1_000_000):
        monkeypatch.setattr(spill, "DEFAULT_LIMIT", limit)
        with _collect.collect_records(Record.objects.filter(fonds__code=FONDS)) as collected, EventLog() as log:
            assert collected.doc_paths.spilled is collected.blob_paths.spilled is (limit == 1)
            audit_events.collect_events(FONDS, collected.file_codes, collected.doc_paths, collected.blob_paths, log)
            links.append([(event.identifier, event.objects) for event in log])
    assert links[0] == links[1]
    assert sum(1 for _identifier, objects in links[0] if objects) >= 9  # one ingestion event per document at least


@pytest.mark.django_db
def test_names_in_a_folder_two_file_codes_share_are_still_numbered(tmp_path: Path) -> None:
    build_source(tmp_path, records=2, docs=2)
    first, second = Record.objects.filter(fonds__code=FONDS).order_by("file_code")
    Record.objects.filter(pk=second.pk).update(file_code=f"{first.file_code}.")  # "X." is filed under "X"
    for doc in second.documents.all():  # and its documents are named like the first record's ("Y." as "Y")
        new_id = doc.doc_id.replace(second.file_code, first.file_code) + "."
        Document.objects.filter(pk=doc.pk).update(doc_id=new_id)
    assert _collect._folder(first.file_code) == _collect._folder(f"{first.file_code}.")
    with _collect.collect_records(Record.objects.filter(fonds__code=FONDS)) as collected:
        paths = [file.path_in_package for record in collected.records for file in _content(record)]
    assert len(paths) == len(set(paths)) == 4
    assert sum("-2." in path for path in paths) == 2  # the second record's names, numbered


def _content(record: Any) -> list[Any]:
    return [file for document in record.documents for file in document.files]


def test_event_log_restores_every_field_of_an_event() -> None:
    assert set(premis._EVENT_FIELDS) == set(EventSpec.__slots__)
    event = dataclasses.replace(_event(1, dt.datetime(2025, 1, 1, 8, tzinfo=ICT), "a.pdf"), identifier_type="local")
    with EventLog([event]) as log:
        assert list(log) == [event]
