"""The sidecar (``documentation/kho-transfer.json``) read lazily: same values as ``json.load``, clear errors.

:mod:`kho.packages._sidecar` keeps only the small top-level values and each record's byte span, and parses a
record each time it is read; these tests hold it to ``json.load`` on every layout and name every way a
file can be broken. The import tests at the end check that a broken or swapped sidecar is refused with
nothing written.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kho.packages._sidecar import SidecarError, read_sidecar
from tests.packages import test_transfer_fixtures
from tests.packages.test_transfer_fixtures import fresh_copy, payload_dir, rebag, row_counts

pristine = test_transfer_fixtures.pristine  # the module-scoped fixture, shared


def _read(tmp_path: Path, data: bytes) -> tuple[Any, str]:
    path = tmp_path / "kho-transfer.json"
    path.write_bytes(data)
    return read_sidecar(path)


def _as_dict(sidecar: Any) -> dict[str, Any]:
    return {key: list(sidecar.records) if key == "records" else sidecar[key] for key in sidecar}


SAMPLE = {
    "format": "kho-transfer/1",
    "sender": "H49.64",
    "agencies": [{"code": "H49.64", "name": "Ủy ban nhân dân huyện Hoành Bồ"}],
    "records": [
        {"file_code": "H49.64.2024.01.VP", "documents": [{"doc_id": "1", "subject": "Quyết định", "objects": []}]},
        {"file_code": "H49.64.2024.02.VP", "documents": []},
    ],
    "relations": [],
}


@pytest.mark.parametrize(
    "encode",
    [
        lambda d: json.dumps(d, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode(),
        lambda d: json.dumps(d, ensure_ascii=True, indent=4).encode(),
        lambda d: b"\xef\xbb\xbf \n" + json.dumps(d, ensure_ascii=False).encode() + b"\r\n\t ",
    ],
    ids=["compact", "indented-ascii", "bom-and-whitespace"],
)
def test_reads_the_same_values_as_json_load(tmp_path, encode):
    data = encode(SAMPLE)
    sidecar, digest = _read(tmp_path, data)
    assert _as_dict(sidecar) == SAMPLE
    assert digest == "sha256:" + hashlib.sha256(data).hexdigest()
    assert len(sidecar.records) == 2 and sidecar["records"] is sidecar.records
    assert sidecar.records[1]["file_code"] == "H49.64.2024.02.VP"
    assert [r["file_code"] for r in sidecar.records[::-1]] == ["H49.64.2024.02.VP", "H49.64.2024.01.VP"]
    with pytest.raises(IndexError):
        sidecar.records[2]


def test_records_are_read_from_a_private_copy(tmp_path):
    path = tmp_path / "kho-transfer.json"
    path.write_text(json.dumps(SAMPLE), encoding="utf-8")
    sidecar, _digest = read_sidecar(path)
    path.write_text(json.dumps({**SAMPLE, "records": [{"file_code": "ĐỔI"}] * 2}), encoding="utf-8")
    assert list(sidecar.records) == SAMPLE["records"]  # what was read, not what the folder holds now
    sidecar.close()


def test_records_larger_than_the_window_and_numbers_at_its_edge(tmp_path):
    big = {"file_code": "X", "note": "ạ" * 100_000, "documents": [{"n": 10**4000}]}
    data = {"a": 1, "records": [big, {"file_code": "Y"}], "z": 12345678901234567890}
    sidecar, _digest = _read(tmp_path, json.dumps(data).encode())
    assert _as_dict(sidecar) == data


def test_records_that_are_not_objects_are_dropped_and_a_non_array_means_none(tmp_path):
    sidecar, _ = _read(tmp_path, b'{"records": [1, {"a": 2}, "x", null, [3]], "b": 4}')
    assert list(sidecar.records) == [{"a": 2}] and sidecar["b"] == 4
    sidecar, _ = _read(tmp_path, b'{"records": {"a": 1}}')
    assert list(sidecar.records) == [] and list(sidecar) == ["records"]
    sidecar, _ = _read(tmp_path, b'{"records": [{"a": 1}], "records": [{"b": 2}, {"c": 3}]}')
    assert list(sidecar.records) == [{"b": 2}, {"c": 3}]  # the last one wins, as with json.load


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "expected a JSON object at byte 0"),
        (b"  [1, 2]", "expected a JSON object at byte 2"),
        (b'{"records": [{"a": 1}', "expected ',' or ']' at byte 21"),
        (b'{"a": 1,', "Expecting value at byte 8"),
        (b'{"records": [{"a": 1},]}', "Expecting value at byte 22"),
        (b'{"a": 1,}', "Expecting value at byte 8"),
        (b'{"a" 1}', "expected ':' at byte 5"),
        (b'{1: 2}', "expected a key at byte 1"),
        (b'{"a": 1} {"b": 2}', "extra data after the object at byte 9"),
        (b'{"a": "\xc3\x28"}', "not UTF-8 at byte 7"),
        (b'{"a": "unterminated}', "Unterminated string starting at byte 6"),
        (b'{"records": [{"a": tru}]}', "Expecting value at byte 19"),
    ],
    ids=["empty", "array", "truncated", "cut-after-comma", "trailing-comma", "object-comma", "colon", "key",
         "extra", "utf8", "string", "literal"],
)  # fmt: skip
def test_bad_json_is_refused_with_the_problem_and_its_place(tmp_path, data, message):
    with pytest.raises(SidecarError) as caught:
        _read(tmp_path, data)
    assert str(caught.value) == message


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=60, deadline=None)
@given(
    head=st.dictionaries(st.text().filter(lambda k: k != "records"), _json, max_size=4),
    records=st.lists(st.dictionaries(st.text(), _json, max_size=4), max_size=5),
    indent=st.sampled_from([None, 0, 2]),
    ascii_only=st.booleans(),
)
def test_property_any_layout_reads_as_json_load(tmp_path_factory, head, records, indent, ascii_only):
    data = {**head, "records": records}
    encoded = json.dumps(data, indent=indent, ensure_ascii=ascii_only).encode()
    sidecar, _digest = _read(tmp_path_factory.mktemp("sidecar"), encoded)
    assert _as_dict(sidecar) == json.loads(encoded)


@pytest.fixture
def bag(pristine: Any, tmp_path: Path) -> Path:
    return fresh_copy(pristine[0], tmp_path / "bag")


def _sidecar_path(bag: Path) -> Path:
    return payload_dir(bag) / "documentation" / "kho-transfer.json"


@pytest.mark.django_db
def test_broken_sidecar_rejects_the_import_naming_the_problem(kho, bag):
    path = _sidecar_path(bag)
    path.write_bytes(path.read_bytes()[:-2])  # cut short: the object and its last record never close
    rebag(bag)  # hide the change from the checksums: only the JSON reader can catch it
    before = row_counts()
    result = kho("import", "package", bag, "--json")
    assert result.code == 1, result.out
    texts = [f["text"] for f in result.json()["findings"] if f["code"] == "TRANSFER-JSON"]
    assert any("kho-transfer.json cannot be used" in t and "at byte" in t for t in texts), texts
    assert row_counts() == before and before["stored objects"] == 0


@pytest.mark.django_db
def test_sidecar_changed_after_its_checksum_was_verified_is_refused(kho, bag, monkeypatch):
    from kho.packages import _read, verify

    real = _read.read_sidecar_file

    def swap_then_read(root: Path, rel: str) -> Any:
        path = root / rel
        path.write_bytes(path.read_bytes().replace(b'"subject":"', b'"subject":"X', 1))
        return real(root, rel)

    monkeypatch.setattr(verify._read, "read_sidecar_file", swap_then_read)
    before = row_counts()
    result = kho("import", "package", bag, "--json")
    assert result.code == 1, result.out
    texts = [f["text"] for f in result.json()["findings"] if f["code"] == "TRANSFER-JSON"]
    assert any("changed while the package was being verified" in t for t in texts), texts
    assert row_counts() == before
