"""``documentation/kho-transfer.json`` read lazily, so an import's memory does not grow with the package.

The sidecar holds every record with every document (some 75 fields each) and its objects: parsed whole it
costs several kilobytes of Python objects per document. :func:`read_sidecar` copies the file once into a
private temporary file (hashing it on the way, so the caller can compare it with the digest the BagIt check
computed: what is read later is exactly what was verified, whatever happens to the package folder), then
walks it once with ``json.JSONDecoder.raw_decode`` in windows: the small top-level values (agencies, fonds,
custody, relations, ...) are kept, and of the ``records`` array only each element's byte span.
:attr:`Sidecar.records` is a sequence that parses one record from its span each time it is read, so every
consumer iterates it and at most one record (with its documents) is in memory at a time.

The package format does not change: any JSON object is read, in any key order and layout, in UTF-8 as
RFC 8259 §8.1 requires for exchanged JSON (a leading byte order mark is ignored, as it allows). A broken
file raises :class:`SidecarError` naming the problem and its byte offset.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import os
import tempfile
from array import array
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any, overload

__all__ = ["Records", "Sidecar", "SidecarError", "read_sidecar"]

_WINDOW = 64 * 1024
_WHITESPACE = b" \t\n\r"
_BOM = codecs.BOM_UTF8
_decoder = json.JSONDecoder()


class SidecarError(ValueError):
    """The sidecar is not a usable JSON object; the message names the problem and its byte offset."""


class _Reader:
    """Positioned reads and one-value JSON decoding over the private copy (never more than a window).

    ``os.pread`` moves no shared file offset, so several threads may read records at the same time (the
    import's store threads and its row writer do).
    """

    def __init__(self, file: IO[bytes], size: int) -> None:
        self._fd, self.size = file.fileno(), size
        self._window = _WINDOW  # grows to fit the largest value seen, so most values decode at the first try

    def read(self, start: int, length: int) -> bytes:
        return os.pread(self._fd, length, start)

    def skip_space(self, pos: int) -> int:
        """The offset of the first byte at or after ``pos`` that is not JSON whitespace."""
        while pos < self.size:
            chunk = self.read(pos, 4096)
            stripped = chunk.lstrip(_WHITESPACE)
            pos += len(chunk) - len(stripped)
            if stripped:
                break
        return pos

    def byte(self, pos: int) -> bytes:
        return self.read(pos, 1)

    def expect(self, pos: int, wanted: bytes, what: str) -> int:
        """Skip whitespace, require ``wanted`` and return the offset after it."""
        pos = self.skip_space(pos)
        if self.byte(pos) != wanted:
            raise SidecarError(f"expected {what} at byte {pos}")
        return self.skip_space(pos + 1)

    def value(self, pos: int) -> tuple[Any, int]:
        """Decode the JSON value starting at ``pos``; return it and the offset just after it.

        The window grows until the value fits in it; a value that reaches the window's end is decoded
        again with a larger window (a number cut short by the window would otherwise look complete).
        """
        window = self._window
        while True:
            data = self.read(pos, window)
            final = pos + len(data) >= self.size
            try:
                text = codecs.getincrementaldecoder("utf-8")().decode(data, final=final)
            except UnicodeDecodeError as exc:
                raise SidecarError(f"not UTF-8 at byte {pos + exc.start}") from exc
            try:
                found, end = _decoder.raw_decode(text)
            except json.JSONDecodeError as exc:
                if final:
                    place = pos + len(text[: exc.pos].encode())
                    raise SidecarError(f"{exc.msg.removesuffix(' at')} at byte {place}") from exc
            else:
                if end < len(text) or final:
                    end = pos + len(text[:end].encode())
                    self._window = max(self._window, 2 * (end - pos))
                    return found, end
            window *= 4


class Records(Sequence[dict[str, Any]]):
    """The sidecar's records (JSON objects only), each parsed from its byte span when it is read."""

    def __init__(self, reader: _Reader | None = None, spans: array[int] | None = None) -> None:
        self._reader = reader
        self._spans = spans if spans is not None else array("q")

    def __len__(self) -> int:
        return len(self._spans) // 2

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...

    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...

    def __getitem__(self, index: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(index, slice):
            return [self[i] for i in range(len(self))[index]]
        start, end = self._spans[2 * index], self._spans[2 * index + 1]  # IndexError past the end
        assert self._reader is not None  # noqa: S101 - spans exist only with a reader
        record: dict[str, Any] = json.loads(self._reader.read(start, end - start))
        return record

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for index in range(len(self)):
            yield self[index]


class Sidecar(Mapping[str, Any]):
    """The sidecar's top-level values; ``["records"]`` (and :attr:`records`) is the lazy :class:`Records`.

    Keeps its private copy open until :meth:`close` (or garbage collection).
    """

    def __init__(self, head: dict[str, Any], records: Records, file: IO[bytes] | None = None) -> None:
        self._head, self.records, self._file = head, records, file

    def __getitem__(self, key: str) -> Any:
        return self.records if key == "records" else self._head[key]

    def __iter__(self) -> Iterator[str]:
        yield from self._head
        yield "records"

    def __len__(self) -> int:
        return len(self._head) + 1

    def close(self) -> None:
        """Remove the private copy (records can no longer be read)."""
        if self._file is not None:
            self._file.close()


def _object(reader: _Reader) -> tuple[dict[str, Any], array[int]]:
    """Walk the top-level object: keep every value but the ``records`` array, of which only spans."""
    head: dict[str, Any] = {}
    spans = array("q")
    pos = reader.skip_space(len(_BOM) if reader.read(0, len(_BOM)) == _BOM else 0)  # RFC 8259 §8.1: may ignore
    pos = reader.expect(pos, b"{", "a JSON object")
    closed = reader.byte(pos) == b"}"
    while not closed:
        key, end = reader.value(pos)
        if not isinstance(key, str):
            raise SidecarError(f"expected a key at byte {pos}")
        pos = reader.expect(end, b":", "':'")
        if key != "records":
            head[key], pos = reader.value(pos)
        elif reader.byte(pos) == b"[":
            spans, pos = _spans(reader, reader.skip_space(pos + 1))
        else:  # not an array: no records (the counts against the inventory report it)
            spans, (_ignored, pos) = array("q"), reader.value(pos)
        pos = reader.skip_space(pos)
        separator = reader.byte(pos)
        if separator not in (b",", b"}"):
            raise SidecarError(f"expected ',' or '}}' at byte {pos}")
        closed = separator == b"}"
        pos = pos if closed else reader.skip_space(pos + 1)
    end = reader.skip_space(pos + 1)
    if end != reader.size:
        raise SidecarError(f"extra data after the object at byte {end}")
    return head, spans


def _spans(reader: _Reader, pos: int) -> tuple[array[int], int]:
    """The byte spans of the array's object elements (others are dropped); return them and the offset after ``]``."""
    spans = array("q")
    if reader.byte(pos) == b"]":
        return spans, pos + 1
    while True:
        found, end = reader.value(pos)
        if isinstance(found, dict):
            spans.extend((pos, end))
        pos = reader.skip_space(end)
        if reader.byte(pos) == b"]":
            return spans, pos + 1
        pos = reader.expect(pos, b",", "',' or ']'")


def read_sidecar(path: Path) -> tuple[Sidecar, str]:
    """Copy ``path`` into a private temporary file and index it; return the sidecar and the copy's digest.

    Raises:
        SidecarError: The file is not one well-formed UTF-8 JSON object (the message says where).
        OSError: The file cannot be read.
    """
    file = tempfile.TemporaryFile()  # noqa: SIM115 - kept open by the Sidecar, closed by Sidecar.close
    try:
        digest = hashlib.sha256()
        with path.open("rb") as source:
            while block := source.read(1024 * 1024):
                digest.update(block)
                file.write(block)
        file.flush()
        reader = _Reader(file, file.tell())
        head, spans = _object(reader)
    except BaseException:
        file.close()
        raise
    return Sidecar(head, Records(reader, spans), file), f"sha256:{digest.hexdigest()}"
