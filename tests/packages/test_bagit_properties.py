"""Property tests (style rule 27): manifests round-trip, root hash ignores order, hashing ignores chunking."""

from __future__ import annotations

import hashlib
import io
import tempfile
import unicodedata
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kho.core.text import nfc
from kho.packages.formats import BagWriter, hash_file, root_hash, validate_bag
from kho.packages.formats._manifest import (
    decode_path,
    encode_path,
    format_manifest_line,
    iter_text_lines,
    parse_manifest_line,
)
from kho.packages.formats.hashing import SUPPORTED_ALGORITHMS, copy_and_hash

VIETNAMESE = ["Quyết định", "Đảng ủy", "Tờ trình số 12", "hồ sơ lưu trữ", "Nghị quyết 100%", "Ủy ban\r\nnhân dân"]

# One path component: any characters but NUL, '/' and surrogates; NFC; not '.' or '..'.
_component = (
    st.one_of(
        st.sampled_from(VIETNAMESE),
        st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00/"), min_size=1, max_size=16),
        st.text(st.sampled_from(" %\r\n0aAdD25ơđ~*\t"), min_size=1, max_size=8),
    )
    .map(nfc)
    # What safe_join refuses by design (Windows separators and drives, home shortcuts) is not a valid name.
    .filter(
        lambda s: (
            s not in (".", "..")
            and "/" not in s
            and "\\" not in s
            and not s.startswith("~")
            and not (len(s) > 1 and s[1] == ":")
            and len(s.encode()) <= 200
        )
    )
)
_relpath = st.lists(_component, min_size=1, max_size=3).map("/".join)


def _no_prefix_clash(paths: list[str]) -> bool:
    """A file name must not also be used as a folder name."""
    dirs = {"/".join(p.split("/")[:i]) for p in paths for i in range(1, p.count("/") + 1)}
    return not dirs & set(paths)


_relpaths = st.lists(_relpath, min_size=1, max_size=6, unique=True).filter(_no_prefix_clash)


@given(st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), min_size=1).map(nfc))
def test_path_encoding_round_trips(name: str) -> None:
    encoded = encode_path(name)
    assert "\r" not in encoded
    assert "\n" not in encoded
    assert decode_path(encoded) == name


@given(_relpath, st.sampled_from(sorted(SUPPORTED_ALGORITHMS)), st.binary(max_size=8))
def test_manifest_line_round_trips(name: str, algorithm: str, data: bytes) -> None:
    digest = hashlib.new(algorithm, data).hexdigest()
    line = format_manifest_line(digest, f"data/{name}")
    assert line.endswith("\n")
    assert line.count("\n") == 1
    entry = parse_manifest_line(line[:-1])
    assert entry is not None
    assert (entry.digest, decode_path(entry.raw_path)) == (digest, f"data/{name}")


def _read_manifest(bag: Path) -> dict[str, str]:
    entries = {}
    for _, line in iter_text_lines(bag / "manifest-sha256.txt", "utf-8"):
        entry = parse_manifest_line(line)
        assert entry is not None
        entries[decode_path(entry.raw_path)] = entry.digest
    return entries


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_relpaths, st.data())
def test_bag_written_and_read_back_round_trips(names: list[str], data: st.DataObject) -> None:
    contents = {name: data.draw(st.binary(max_size=64)) for name in names}
    with tempfile.TemporaryDirectory() as tmp:
        bag = Path(tmp) / "bag"
        with BagWriter(bag) as writer:
            for name, content in contents.items():
                writer.add_file(name, io.BytesIO(content))
        expected = {f"data/{name}": hashlib.sha256(content).hexdigest() for name, content in contents.items()}
        assert _read_manifest(bag) == expected
        report = validate_bag(bag)
        assert report.is_valid, [f.render() for f in report.errors]
        assert report.payload_files == len(names)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_relpaths.flatmap(lambda names: st.tuples(st.just(names), st.permutations(names))))
def test_root_hash_is_independent_of_add_order(orders: tuple[list[str], list[str]]) -> None:
    hashes = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, order in enumerate(orders):
            with BagWriter(Path(tmp) / str(i)) as writer:
                for name in order:
                    writer.add_file(name, io.BytesIO(name.encode("utf-8", "surrogatepass")))
            hashes.append(root_hash(Path(tmp) / str(i)))
    assert hashes[0] == hashes[1]
    assert hashes[0].startswith("sha256:")


@given(st.sampled_from(VIETNAMESE))
def test_nfd_input_gives_the_same_root_hash(name: str) -> None:
    hashes = []
    with tempfile.TemporaryDirectory() as tmp:
        for form in ("NFC", "NFD"):
            with BagWriter(Path(tmp) / form) as writer:
                writer.add_file(unicodedata.normalize(form, name), io.BytesIO(b"x"))
            hashes.append(root_hash(Path(tmp) / form))
    assert hashes[0] == hashes[1]


class _Chunked(io.RawIOBase):
    """A stream that hands out data in the given chunk sizes (at most what readinto asks for)."""

    def __init__(self, data: bytes, sizes: list[int]) -> None:
        self._data = memoryview(data)
        self._sizes = sizes or [1]
        self._pos = 0
        self._i = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        size = min(self._sizes[self._i % len(self._sizes)], len(buffer), len(self._data) - self._pos)
        self._i += 1
        buffer[:size] = self._data[self._pos : self._pos + size]
        self._pos += size
        return size


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=3 * 1024 * 1024 + 7), st.lists(st.integers(1, 2 * 1024 * 1024), max_size=5))
def test_hashing_is_independent_of_chunking(data: bytes, sizes: list[int]) -> None:
    algorithms = sorted(SUPPORTED_ALGORITHMS)
    expected = {name: hashlib.new(name, data).hexdigest() for name in algorithms}
    sink = io.BytesIO()
    digests, size = copy_and_hash(_Chunked(data, [s for s in sizes if s > 0]), sink, algorithms)
    assert (digests, size, sink.getvalue() == data) == (expected, len(data), True)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "f"
        with path.open("wb") as f:
            pos = 0
            for chunk in sizes or [len(data) or 1]:
                f.write(data[pos : pos + chunk])
                pos += chunk
            f.write(data[pos:])
        assert hash_file(path, algorithms) == expected
