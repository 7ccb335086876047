"""Checks of the small tag files: bagit.txt (strict), bag-info.txt / package-info.txt, fetch.txt.

Each check appends findings to the report and returns what later checks need, falling back to
sensible defaults so one broken file never hides the problems in the others (style rule 13).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

from kho.core.text import N_
from kho.packages.formats._manifest import (
    decode_path,
    iter_text_lines,
    parse_fetch_line,
    parse_tag_lines,
)
from kho.packages.formats.exceptions import UnsafePathError
from kho.packages.formats.report import BagReport
from kho.packages.formats.safepath import safe_join

__all__ = ["Declaration", "check_bag_info", "check_bagit_txt", "check_fetch", "check_path", "read_tag_file"]

KNOWN_VERSIONS = frozenset({(0, 93), (0, 94), (0, 95), (0, 96), (0, 97), (1, 0)})
#: Tag-file encodings accepted (Python codec names); the suite needs UTF-8, ISO-8859-1 and UTF-16.
SUPPORTED_ENCODINGS = frozenset({"utf-8", "ascii", "iso8859-1", "latin-1", "utf-16", "utf-16-le", "utf-16-be"})
NON_REPEATABLE = frozenset({"bagging-date", "bag-size", "payload-oxum", "bag-group-identifier", "bag-count"})
_STRICT_LINE = re.compile(r"(?P<label>[A-Za-z][A-Za-z-]*): (?P<value>\S(?:.*\S)?)")
_VERSION = re.compile(r"(?P<major>\d+)\.(?P<minor>\d+)")
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S+")
_MAX_BAGIT_TXT = 64 * 1024


@dataclass(frozen=True, slots=True)
class Declaration:
    """What bagit.txt declares (or the defaults used when it is unusable).

    Attributes:
        version: ``(major, minor)``; ``(1, 0)`` when unknown.
        version_text: The version string as written, or None.
        encoding: Python codec name for the other tag files.
    """

    version: tuple[int, int] = (1, 0)
    version_text: str | None = None
    encoding: str = "utf-8"

    @property
    def decodes_paths(self) -> bool:
        """Whether manifest paths are percent-decoded (BagIt 0.97 and later)."""
        return self.version >= (0, 97)


def check_path(
    root: Path, raw: str, source: str, report: BagReport, *, decode: bool, dirs: set[str] | None = None
) -> tuple[str, Path] | None:
    """Decode a path read from ``source`` and pass it through ``safe_join``.

    Returns:
        The decoded relative path (a leading ``./`` removed) and the joined path, or None after
        recording ``path.out_of_scope`` / ``path.symlink_escape``.
    """
    rel = decode_path(raw) if decode else raw
    if rel.startswith("./"):
        report.warning("path.dot_slash", rel, N_("%(source)s lists %(path)s with a leading './'."), source=source)
        while rel.startswith("./"):
            rel = rel[2:]
    try:
        return rel, safe_join(root, rel, dirs)
    except UnsafePathError as exc:
        code = "path.symlink_escape" if exc.reason == "escape" else "path.out_of_scope"
        report.error(
            code,
            rel,
            N_("%(source)s lists %(path)s, which points outside the bag (%(reason)s)."),
            source=source,
            reason=exc.reason,
        )
        return None


def read_tag_file(root: Path, name: str, encoding: str, report: BagReport) -> list[tuple[int, str]] | None:
    """Read a small tag file completely (bag-info, fetch); report BOM and decoding problems.

    Returns:
        Numbered lines, or None if the file is missing (no finding) or unreadable (error finding).
    """
    try:
        path = safe_join(root, name)
    except UnsafePathError:
        report.error("path.symlink_escape", name, N_("%(path)s resolves outside the bag."))
        return None
    if not path.is_file():
        return None
    try:
        if encoding == "utf-8":
            with path.open("rb") as f:
                if f.read(3) == codecs.BOM_UTF8:
                    report.warning("tag.bom", name, N_("%(path)s starts with a byte-order mark."))
        return list(iter_text_lines(path, encoding))
    except UnicodeDecodeError:
        report.error("tag.decode_error", name, N_("%(path)s is not valid %(encoding)s."), encoding=encoding)
    except OSError as exc:
        report.error("tag.unreadable", name, N_("%(path)s cannot be read: %(error)s."), error=exc.strerror or "")
    return None


def _split_bagit_lines(data: bytes, report: BagReport) -> list[str]:
    """Decode bagit.txt (UTF-8, no BOM) and split it into lines (LF, CR or CRLF)."""
    if data.startswith(codecs.BOM_UTF8):
        report.error("bagit.bom", "bagit.txt", N_("bagit.txt must not start with a byte-order mark."))
        data = data[len(codecs.BOM_UTF8) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        report.error("bagit.not_utf8", "bagit.txt", N_("bagit.txt must be UTF-8."))
        text = data.decode("utf-8", errors="replace")
    lines = re.split(r"\r\n|\r|\n", text)
    if lines and lines[-1] == "":
        lines.pop()
    if len(lines) != 2:
        report.error(
            "bagit.line_count",
            "bagit.txt",
            N_("bagit.txt must have exactly two lines, found %(count)d."),
            count=len(lines),
        )
    return lines


def _bagit_fields(lines: list[str], report: BagReport) -> dict[str, str]:
    """Parse bagit.txt lines strictly, recording each deviation but keeping lenient values."""
    fields: dict[str, str] = {}
    expected = ("BagIt-Version", "Tag-File-Character-Encoding")
    for lineno, line in enumerate(lines, 1):
        label, sep, value = line.partition(":")
        if sep:
            fields.setdefault(label.strip(), value.strip())
        if _STRICT_LINE.fullmatch(line) is None:
            report.error(
                "bagit.malformed_line",
                "bagit.txt",
                N_("bagit.txt line %(line)d must be 'Label: value' without extra whitespace: %(text)r."),
                line=lineno,
                text=line,
            )
        elif lineno <= len(expected) and label != expected[lineno - 1]:
            report.error(
                "bagit.field_order",
                "bagit.txt",
                N_("bagit.txt line %(line)d must be %(label)s."),
                line=lineno,
                label=expected[lineno - 1],
            )
    return fields


def _parse_version(text: str | None, report: BagReport) -> tuple[int, int]:
    """Check BagIt-Version is ``M.N`` and known; return it or ``(1, 0)``."""
    if text is None:
        report.error("bagit.version_missing", "bagit.txt", N_("bagit.txt has no BagIt-Version."))
        return (1, 0)
    match = _VERSION.fullmatch(text)
    if match is None:
        report.error(
            "bagit.version_invalid",
            "bagit.txt",
            N_("BagIt-Version must be MAJOR.MINOR numbers, not %(version)r."),
            version=text,
        )
        return (1, 0)
    version = (int(match["major"]), int(match["minor"]))
    if version[0] >= 2 or version < (0, 93):
        report.error(
            "bagit.version_unsupported",
            "bagit.txt",
            N_("Unsupported BagIt-Version %(version)s."),
            version=text,
        )
    elif version not in KNOWN_VERSIONS:
        report.warning("bagit.version_unknown", "bagit.txt", N_("Unknown BagIt-Version %(version)s."), version=text)
    return version


def _parse_encoding(text: str | None, report: BagReport) -> str:
    """Check Tag-File-Character-Encoding is present and supported; return a codec name."""
    if text is None:
        report.error("bagit.encoding_missing", "bagit.txt", N_("bagit.txt has no Tag-File-Character-Encoding."))
        return "utf-8"
    try:
        codec = codecs.lookup(text).name
    except LookupError:
        codec = ""
    if codec not in SUPPORTED_ENCODINGS:
        report.error(
            "bagit.encoding_unsupported",
            "bagit.txt",
            N_("Tag-File-Character-Encoding %(encoding)s is not supported."),
            encoding=text,
        )
        return "utf-8"
    if codec != "utf-8":
        report.warning(
            "bagit.encoding_not_utf8",
            "bagit.txt",
            N_("Tag files use %(encoding)s; RFC 8493 recommends UTF-8."),
            encoding=text,
        )
    return codec


def check_bagit_txt(root: Path, report: BagReport) -> Declaration:
    """Check bagit.txt strictly (RFC 8493 section 2.1.1): two exact lines, UTF-8, no BOM.

    Stricter than bagit-python: ``BagIt-Version : 1.0`` or a trailing space is an error.
    """
    try:
        path = safe_join(root, "bagit.txt")
        with path.open("rb") as f:
            data = f.read(_MAX_BAGIT_TXT + 1)
    except UnsafePathError:
        report.error("path.symlink_escape", "bagit.txt", N_("%(path)s resolves outside the bag."))
        return Declaration()
    except OSError:
        report.error("bagit.missing", "bagit.txt", N_("The bag has no readable bagit.txt."))
        return Declaration()
    if len(data) > _MAX_BAGIT_TXT:
        report.error("bagit.too_large", "bagit.txt", N_("bagit.txt is implausibly large."))
        data = data[:_MAX_BAGIT_TXT]
    fields = _bagit_fields(_split_bagit_lines(data, report), report)
    version_text = fields.get("BagIt-Version")
    version = _parse_version(version_text, report)
    encoding = _parse_encoding(fields.get("Tag-File-Character-Encoding"), report)
    report.version = version_text
    report.encoding = encoding
    return Declaration(version, version_text, encoding)


def check_bag_info(root: Path, decl: Declaration, report: BagReport) -> dict[str, str]:
    """Parse bag-info.txt (package-info.txt before 0.96); a missing file is not itself an error.

    Returns:
        The first value of each label, keyed by lower-cased label (for Payload-Oxum lookup).
    """
    name = "bag-info.txt" if decl.version >= (0, 96) else "package-info.txt"
    lines = read_tag_file(root, name, decl.encoding, report)
    if lines is None:
        return {}
    parsed = parse_tag_lines(lines)
    for lineno in parsed.malformed:
        report.error("baginfo.malformed_line", name, N_("%(path)s line %(line)d is not 'Label: value'."), line=lineno)
    for lineno in parsed.label_whitespace:
        report.warning(
            "baginfo.label_whitespace",
            name,
            N_("%(path)s line %(line)d has spaces around its label."),
            line=lineno,
        )
    first: dict[str, str] = {}
    for label, value in parsed.fields:
        key = label.lower()
        if key in first and key in NON_REPEATABLE:
            report.warning("baginfo.repeated_label", name, N_("%(path)s repeats %(label)s."), label=label)
        first.setdefault(key, value)
    report.info = parsed.fields
    return first


def check_fetch(root: Path, decl: Declaration, report: BagReport) -> dict[str, str]:
    """Check fetch.txt lines: URL, length (``-`` or digits), in-scope payload path.

    Returns:
        Decoded payload path to URL for every acceptable entry.
    """
    lines = read_tag_file(root, "fetch.txt", decl.encoding, report)
    entries: dict[str, str] = {}
    for lineno, line in lines or []:
        if not line.strip():
            continue
        entry = parse_fetch_line(line)
        if entry is None:
            report.error("fetch.malformed_line", "fetch.txt", N_("fetch.txt line %(line)d is malformed."), line=lineno)
            continue
        if _URL.fullmatch(entry.url) is None:
            report.error("fetch.bad_url", "fetch.txt", N_("fetch.txt line %(line)d has no valid URL."), line=lineno)
        if entry.length != "-" and not entry.length.isdigit():
            report.error(
                "fetch.bad_length",
                "fetch.txt",
                N_("fetch.txt line %(line)d has an invalid length."),
                line=lineno,
            )
        checked = check_path(root, entry.raw_path, "fetch.txt", report, decode=decl.decodes_paths)
        if checked is None:
            continue
        rel = checked[0]
        if not rel.startswith("data/"):
            report.error("fetch.outside_payload", rel, N_("fetch.txt lists %(path)s, which is not a payload file."))
            continue
        entries[rel] = entry.url
    return entries
