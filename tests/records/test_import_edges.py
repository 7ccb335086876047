"""Import edge cases: 10 000 rows in seconds, a concurrent writer, deep hierarchies, help text."""

import time

import pytest

from kho.agencies.models import Agency
from kho.records.inventory import RECORD_COLUMNS, ImportRecordsAction, read_table
from kho.records.models import Record

from .conftest import RECORD_HEADER, record_row, write_table

pytestmark = pytest.mark.django_db


@pytest.mark.slow
def test_ten_thousand_records_import_in_seconds(tmp_path, fonds):
    path = write_table(
        tmp_path / "r.csv", [RECORD_HEADER, *(record_row(n, code=f"H49.64.33.2020.{n:05d}") for n in range(1, 10_001))]
    )
    started = time.perf_counter()
    result = ImportRecordsAction(read_table(path, RECORD_COLUMNS)).execute()
    elapsed = time.perf_counter() - started
    assert result.created == 10_000 and Record.objects.count() == 10_000
    assert elapsed < 30, f"10 000 records took {elapsed:.1f} s"  # ~1.5 s CPU; generous for loaded CI machines


def test_a_concurrent_writer_becomes_a_conflict_and_nothing_is_written(kho, tmp_path, fonds, monkeypatch):
    original = ImportRecordsAction._prepare

    def blind_prepare(self):  # as if another import stored the code between our check and our insert
        original(self)
        self._stored_codes.clear()

    Record.objects.create(fonds=fonds, file_code="H49.64.33.2020.02.VP", title="Ghi trước")
    monkeypatch.setattr(ImportRecordsAction, "_prepare", blind_prepare)
    result = kho("import", "records", write_table(tmp_path / "r.csv", [RECORD_HEADER, record_row(1), record_row(2)]))
    assert result.code == 4
    assert "Chạy lại lệnh" in result.err
    assert list(Record.objects.values_list("file_code", flat=True)) == ["H49.64.33.2020.02.VP"]


def test_deep_hierarchy_is_created_parents_first(kho, tmp_path):
    rows = [["Mã định danh", "Tên cơ quan", "Mã cơ quan cấp trên"], ["A", "Cấp 0", ""]]
    rows += [
        [
            ".".join(["A", *[str(i) for i in range(1, depth + 1)]]),
            f"Cấp {depth}",
            ".".join(["A", *[str(i) for i in range(1, depth)]]),
        ]
        for depth in range(1, 6)
    ]
    assert kho("import", "agencies", write_table(tmp_path / "a.csv", rows)).code == 0
    leaf = Agency.objects.get(code="A.1.2.3.4.5")
    chain = []
    while leaf:
        chain.append(leaf.code)
        leaf = leaf.parent
    assert chain == ["A.1.2.3.4.5", "A.1.2.3.4", "A.1.2.3", "A.1.2", "A.1", "A"]


def test_semicolon_csv_via_cli(kho, tmp_path, fonds):
    path = write_table(tmp_path / "r.csv", [RECORD_HEADER, record_row(1)], delimiter=";", bom=False)
    assert kho("import", "records", path).code == 0
    assert Record.objects.get().title == "Hồ sơ về công tác văn thư số 1"


def test_unknown_columns_are_reported_not_fatal(kho, tmp_path, fonds):
    path = write_table(tmp_path / "r.csv", [[*RECORD_HEADER, "Ghi chú nội bộ"], record_row(1) + ["x"]])
    result = kho("import", "records", path)
    assert result.code == 0
    assert "Bỏ qua các cột không dùng: Ghi chú nội bộ." in result.out


def test_help_documents_the_exit_codes(kho):
    result = kho("import", "records", "--help")
    assert result.code == 0
    assert "4 mọi lỗi đều là xung đột" in " ".join(result.out.split())
    assert "--dry-run" in result.out and "--json" in result.out
    export_help = kho("export", "inventory", "--help")
    assert export_help.code == 0 and "--fonds" in export_help.out and "3 không có phông" in export_help.out
