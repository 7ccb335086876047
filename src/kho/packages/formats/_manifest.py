"""Line formats of BagIt tag files: manifests, bag-info.txt, fetch.txt, and RFC 8493 path encoding.

Pure string functions plus one streaming line reader; no validation policy lives here (that is in
``_validate``/``_tagchecks``), so the writer and the validator share exactly one definition of each
format and the Hypothesis round-trip tests exercise the same code both use.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "FetchEntry",
    "ManifestEntry",
    "TagParse",
    "decode_path",
    "encode_path",
    "format_manifest_line",
    "iter_text_lines",
    "literal_percent_sequences",
    "parse_fetch_line",
    "parse_manifest_line",
    "parse_tag_lines",
]

_DECODE = re.compile(r"%(25|0[Dd]|0[Aa])")
_DECODED = {"25": "%", "0d": "\r", "0a": "\n"}
_PERCENT = re.compile(r"%[0-9A-Fa-f]{2}")
_MANIFEST_LINE = re.compile(r"(?P<digest>[0-9A-Za-z]+)[ \t]+(?P<star>\*?)(?P<path>.+)", re.DOTALL)
_FETCH_LINE = re.compile(r"(?P<url>\S+)[ \t]+(?P<length>\S+)[ \t]+(?P<path>.+)", re.DOTALL)


def encode_path(path: str) -> str:
    """Percent-encode ``%``, CR and LF in a file path, as RFC 8493 section 2.1.3 requires.

    ``%`` is encoded first so that the result decodes unambiguously.
    """
    return path.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def decode_path(path: str) -> str:
    """Reverse :func:`encode_path` in one pass (``%250A`` becomes ``%0A``, not LF).

    Only ``%25``, ``%0D`` and ``%0A`` (either hex case) are decoded; any other ``%XX`` stays literal,
    because older bags (e.g. the conformance suite's ``%7Edir2``) contain such names verbatim.
    """
    return _DECODE.sub(lambda m: _DECODED[m.group(1).lower()], path)


def literal_percent_sequences(raw: str, *, decoded: bool) -> list[str]:
    """Return the ``%XX`` sequences of a raw manifest path that are kept literally.

    Args:
        raw: Path as it appears in the manifest line.
        decoded: Whether RFC 8493 decoding applies (if not, every ``%XX`` is literal).
    """
    found = _PERCENT.findall(raw)
    if not decoded:
        return found
    return [seq for seq in found if seq[1:].lower() not in _DECODED]


def format_manifest_line(digest: str, path: str) -> str:
    """Return one manifest line ``<digest>  <encoded path>`` ending in LF (two spaces, as bagit writes)."""
    return f"{digest}  {encode_path(path)}\n"


@dataclass(frozen=True, slots=True)
class ManifestEntry:
    """One parsed manifest line (path still raw, i.e. percent-encoded).

    Attributes:
        digest: The checksum as written (case kept).
        raw_path: The path text after the separator.
        binary_marker: True for md5sum's ``<digest> *<path>`` binary-mode form.
    """

    digest: str
    raw_path: str
    binary_marker: bool


def parse_manifest_line(line: str) -> ManifestEntry | None:
    """Parse ``<digest><spaces or tabs>[*]<path>``; return None if the line does not have that shape.

    Trailing spaces belong to the path; only the line ending must already be removed.
    """
    match = _MANIFEST_LINE.fullmatch(line)
    if match is None:
        return None
    return ManifestEntry(match["digest"], match["path"], bool(match["star"]))


@dataclass(frozen=True, slots=True)
class FetchEntry:
    """One parsed fetch.txt line: ``<url> <length> <path>`` (path still raw)."""

    url: str
    length: str
    raw_path: str


def parse_fetch_line(line: str) -> FetchEntry | None:
    """Parse a fetch.txt line; return None if it does not have three whitespace-separated fields."""
    match = _FETCH_LINE.fullmatch(line)
    if match is None:
        return None
    return FetchEntry(match["url"], match["length"], match["path"])


@dataclass(slots=True)
class TagParse:
    """Result of parsing a ``Label: value`` tag file such as bag-info.txt.

    Attributes:
        fields: ``(label, value)`` pairs in file order; repeated labels are kept.
        malformed: Line numbers that are neither ``Label: value`` nor a continuation line.
        label_whitespace: Line numbers whose label has surrounding whitespace (``Label : v``).
    """

    fields: list[tuple[str, str]] = field(default_factory=list)
    malformed: list[int] = field(default_factory=list)
    label_whitespace: list[int] = field(default_factory=list)


def parse_tag_lines(lines: Iterable[tuple[int, str]]) -> TagParse:
    """Parse numbered lines of a tag file; continuation lines (leading space/tab) fold into the value.

    A folded value joins its parts with one space. Blank lines are ignored.
    """
    result = TagParse()
    for lineno, line in lines:
        if not line.strip():
            continue
        if line[0] in " \t":
            if not result.fields:
                result.malformed.append(lineno)
                continue
            label, value = result.fields[-1]
            result.fields[-1] = (label, f"{value} {line.strip()}".strip())
            continue
        label, sep, value = line.partition(":")
        if not sep or not label.strip():
            result.malformed.append(lineno)
            continue
        if label != label.strip():
            result.label_whitespace.append(lineno)
        result.fields.append((label.strip(), value.strip()))
    return result


def iter_text_lines(path: Path, encoding: str) -> Iterator[tuple[int, str]]:
    """Yield ``(line number, line)`` from a tag file, streaming, line ending removed.

    Lines may end in LF, CR or CRLF (RFC 8493 section 2). A leading U+FEFF (BOM) is dropped; callers
    that care report it from the raw bytes. ``str.splitlines`` is avoided on purpose: it would also
    split on U+2028, VT, FF and other characters that are legal in file names.

    Raises:
        OSError: The file cannot be read.
        UnicodeDecodeError: The file is not valid in ``encoding``.
    """
    with path.open(encoding=encoding, newline="", errors="strict") as f:
        for lineno, line in enumerate(f, 1):
            text = line[1:] if lineno == 1 and line.startswith("\ufeff") else line
            if text.endswith("\n"):
                text = text[:-1]
            if text.endswith("\r"):
                text = text[:-1]
            yield lineno, text
