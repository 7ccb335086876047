"""E-ARK CSIP 2.0.4-based information packages (TT05 ``AIP_hoso`` / ``AIP_tailieu``): write and validate.

Pure module (no Django). Public API:

- :func:`write_package` lays out a CSIP tree at a folder (it becomes the BagIt payload later):
  ``METS.xml``, ``metadata/descriptive/EAD.xml`` (:mod:`~kho.packages.formats.ead`),
  ``metadata/preservation/PREMIS.xml`` (:mod:`~kho.packages.formats.premis`),
  ``representations/<rep>/METS.xml`` + ``data/``, ``documentation/``, optionally ``schemas/``.
  Content is streamed in 1 MiB blocks; same spec, same bytes.
- :func:`validate_package` gathers every problem as a :class:`~kho.packages.formats.report.Finding`
  in a :class:`PackageReport` (style rule 13); :func:`is_valid_package` answers yes/no, and
  ``report.raise_if_invalid()`` raises :class:`PackageValidationError` with all findings.

Finding codes are E-ARK requirement IDs where a check maps to one; :data:`CLAIMED_RULES` lists the
requirements whose corpus test cases this validator agrees with completely (see
``tests/packages/test_eark_corpus.py``). Kho's own checks use ``KHO-...`` codes:

================================  ==================================================================
``KHO-XML-UNSAFE``                a METS/PREMIS/EAD file has a DOCTYPE or entities (never parsed further)
``KHO-XML-MALFORMED``             not well-formed XML
``KHO-METS-ROOT``                 METS.xml's root element is not ``mets:mets``
``KHO-METS-SCHEMA``               METS not valid against METS 1.12 + PREMIS wrapper XSD
``KHO-PREMIS-SCHEMA``             PREMIS (3.0 or 2.2) not valid against its XSD
``KHO-EAD-SCHEMA``                EAD 2002 not valid against its XSD
``KHO-PATH-UNSAFE``               an href is absolute, a URL, or climbs out with ``..``
``KHO-SYMLINK``                   a symbolic link anywhere in the package
``KHO-SPECIAL-FILE``              a device, FIFO or socket
``KHO-UNREFERENCED``              a file no METS references (METS files and ``schemas/`` excepted)
``KHO-PREMIS-FIXITY``             a file differs from the PREMIS fixity of the object named by its path
``KHO-HREF-CASE`` (warning)       an href matches a file only ignoring case
``KHO-CHECKSUM-UNVERIFIED`` (w.)  a checksum type Kho cannot compute
``KHO-MDREF``                     attribute problems of techMD/sourceMD references
``KHO-UNREADABLE``                a folder or file cannot be read
================================  ==================================================================
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from lxml import etree

from kho.core.text import N_
from kho.packages.formats._csip_base import Context, Level, M, MetsDoc, Observer, scan_inventory
from kho.packages.formats._csip_header import check_header, check_root
from kho.packages.formats._csip_refs import check_fixity, check_metadata_files, check_unreferenced
from kho.packages.formats._csip_sections import check_file_section, check_metadata_sections, check_streamed_file
from kho.packages.formats._csip_struct import check_struct_map, check_structure
from kho.packages.formats._eark_write import write_package
from kho.packages.formats.eark_errors import (
    MalformedXmlError,
    PackageValidationError,
    PackageWriteError,
    SchemaLoadError,
    UnsafeXmlError,
)
from kho.packages.formats.earkreport import PackageReport
from kho.packages.formats.earkspec import (
    Agency,
    AgentSpec,
    DocumentationFile,
    DocumentSpec,
    EventSpec,
    FileRole,
    FileSpec,
    ManifestEntry,
    PackageManifest,
    PackageSpec,
    PackageType,
    RecordSpec,
    Tt05Kind,
)
from kho.packages.formats.exceptions import PackageFormatError
from kho.packages.formats.safepath import safe_join
from kho.packages.formats.schemas import SchemaName, load_schema, schema_errors, schema_lock
from kho.packages.formats.xmlsafe import StreamIncompleteError, UntrustedStream, parse_untrusted

__all__ = [
    "CLAIMED_RULES",
    "AgentSpec",
    "Agency",
    "DocumentSpec",
    "DocumentationFile",
    "EventSpec",
    "FileRole",
    "FileSpec",
    "MalformedXmlError",
    "ManifestEntry",
    "PackageManifest",
    "PackageReport",
    "PackageSpec",
    "PackageType",
    "PackageValidationError",
    "PackageWriteError",
    "RecordSpec",
    "SchemaLoadError",
    "Tt05Kind",
    "UnsafeXmlError",
    "is_valid_package",
    "validate_package",
    "write_package",
]

_CLAIMED = """
CSIP1 CSIP2 CSIP4 CSIP7 CSIP8 CSIP9 CSIP10 CSIP11 CSIP12 CSIP13 CSIP14 CSIP15 CSIP16 CSIP17 CSIP19
CSIP20 CSIP21 CSIP22 CSIP23 CSIP24 CSIP26 CSIP27 CSIP28 CSIP29 CSIP30 CSIP31 CSIP32 CSIP34 CSIP35
CSIP36 CSIP38 CSIP40 CSIP41 CSIP42 CSIP43 CSIP44 CSIP47 CSIP49 CSIP51 CSIP53 CSIP54 CSIP55 CSIP56
CSIP57 CSIP60 CSIP61 CSIP62 CSIP63 CSIP64 CSIP66 CSIP68 CSIP69 CSIP70 CSIP71 CSIP72 CSIP76 CSIP77
CSIP78 CSIP80 CSIP81 CSIP86 CSIP88 CSIP91 CSIP93 CSIP96 CSIP97 CSIP100 CSIP104 CSIP114 CSIP117
CSIPSTR4 CSIPSTR5 CSIPSTR9 CSIPSTR11 CSIPSTR12 SIP32 SIP33 SIP34
"""
#: E-ARK requirements implemented here whose corpus test cases (expected-outcomes.tsv) all agree.
CLAIMED_RULES: frozenset[str] = frozenset(_CLAIMED.split())
_METS_FILE = M("file")
_METS_SCHEMA = SchemaName.METS_PREMIS


def _load(ctx: Context, path: str, level: Level, folder: str) -> MetsDoc | None:
    """Read one METS file as a stream (flat memory); a file the stream cannot vouch for is parsed whole."""
    doc = _load_streamed(ctx, path, level, folder)
    return doc if doc is not None else _load_tree(ctx, path, level, folder)


def _load_streamed(ctx: Context, path: str, level: Level, folder: str) -> MetsDoc | None:
    """Validate one METS file against the METS+PREMIS XSD while streaming it, checking each ``mets:file``.

    The ``mets:file`` elements (one per package file) are checked as they pass and dropped; the rest of
    the document stays as the tree the other rules read. Returns None, with nothing reported, when the
    file is unsafe, malformed, invalid, repeats an ID or is no METS: :func:`_load_tree` then reports why,
    with every schema error, exactly as for a small file.
    """
    folder_of = path.rpartition("/")[0]
    base = f"{folder_of}/" if folder_of else ""
    stream = UntrustedStream(safe_join(ctx.root, path), (_METS_FILE,), load_schema(ctx.schema_dir, _METS_SCHEMA))
    doc: MetsDoc | None = None
    observe = ctx.observers.get(path)
    try:
        with schema_lock():
            for outer in stream:
                if doc is None:
                    doc = MetsDoc(path, base, outer.getroottree().getroot(), level, folder, {})
                check_streamed_file(ctx, doc, outer)
                if observe is not None:
                    observe(outer)
    except (etree.XMLSyntaxError, StreamIncompleteError, PackageFormatError, OSError):
        return None
    if stream.root is None or stream.root.tag != M("mets"):
        return None
    if observe is not None:
        ctx.report.observed.add(path)
    return doc or MetsDoc(path, base, stream.root, level, folder, {})


def _load_tree(ctx: Context, path: str, level: Level, folder: str) -> MetsDoc | None:
    """Parse one METS file safely and validate it against the METS+PREMIS XSD; None if unusable."""
    report = ctx.report
    base = path.rpartition("/")[0]
    base = f"{base}/" if base else ""
    try:
        tree = parse_untrusted(safe_join(ctx.root, path))
    except UnsafeXmlError as exc:
        report.error("KHO-XML-UNSAFE", path, N_("%(path)s has a DOCTYPE (%(reason)s); refused."), reason=exc.reason)
        ctx.unreadable.add(base)
        return None
    except MalformedXmlError as exc:
        report.error("KHO-XML-MALFORMED", path, N_("%(path)s is not well-formed: %(detail)s"), detail=exc.detail)
        ctx.unreadable.add(base)
        return None
    root = tree.getroot()
    if root.tag != M("mets"):
        report.error("KHO-METS-ROOT", path, N_("%(path)s is not a METS document (root %(tag)s)."), tag=str(root.tag))
        ctx.unreadable.add(base)
        return None
    for message in schema_errors(load_schema(ctx.schema_dir, _METS_SCHEMA), tree):
        report.error("KHO-METS-SCHEMA", path, N_("%(path)s is not valid METS: %(error)s"), error=message)
    return MetsDoc(path, base, root, level, folder)


def _check(ctx: Context, doc: MetsDoc) -> None:
    """Run every per-METS rule group on one document."""
    check_root(ctx, doc)
    check_header(ctx, doc)
    check_metadata_sections(ctx, doc)
    check_file_section(ctx, doc)
    check_struct_map(ctx, doc)


def validate_package(
    root: Path,
    schema_dir: Path,
    *,
    known_digests: Mapping[str, Mapping[str, str]] | None = None,
    observers: Mapping[str, Observer] | None = None,
) -> PackageReport:
    """Validate the E-ARK CSIP package at ``root`` and report every problem found.

    Reads the package only through ``safe_join`` and ``parse_untrusted`` or ``UntrustedStream`` (large
    XML is validated as a stream, so memory stays flat); never follows a symlink, never fetches anything.
    Checks the folder structure, the root and representation METS (XSD-valid, CSIP rules), that every
    referenced file exists with the stated size and checksum, that every file is referenced (METS files
    and schemas excepted), and PREMIS/EAD XSD validity.

    Args:
        root: The package root folder (the folder holding ``METS.xml``).
        schema_dir: Folder with the XSDs (see :mod:`kho.packages.formats.schemas`).
        known_digests: Digests the caller has just computed from the files themselves (not read from a
            manifest), by package-relative path and algorithm, e.g. :attr:`BagReport.digests` of the bag
            holding the package: those files are not read again for the checksum comparison. Only looked
            up, never copied nor counted, so a view of a spilled map keeps the memory flat.
        observers: Callbacks by package path (``"metadata/descriptive/EAD.xml"``,
            ``"representations/rep1/METS.xml"``), for a caller that reads the same XML afterwards: each is
            called with every outermost element the check streams from that file (``ead:c``, ``mets:file``,
            PREMIS ``object``/``event``/``agent``/``rights``) before it is dropped, so the file is parsed once.
            ``report.observed`` names the files whose observer saw the whole file; for any other (unsafe,
            malformed, invalid, unreferenced, or parsed whole after its stream failed) the observer may have
            seen a part only, and the caller must read the file itself. Observers run while
            :func:`~kho.packages.formats.schemas.schema_lock` is held, so they must not validate XML.

    Returns:
        The report; ``report.is_valid`` is False when any error was found.

    Raises:
        SchemaLoadError: The XSDs cannot be loaded from ``schema_dir`` (a deployment problem).
    """
    report = PackageReport(path=str(root))
    if root.is_symlink() or not root.is_dir():
        report.error("KHO-UNREADABLE", None, N_("%(root)s is not a package folder."), root=str(root))
        return report
    inventory = scan_inventory(root, report)
    now, known = datetime.now(UTC), known_digests if known_digests is not None else {}  # no len(): a view
    ctx = Context(root, schema_dir, report, inventory, now, known=known, observers=observers or {})
    try:
        _validate(ctx)
    finally:
        ctx.close()  # the spilled maps of the run
    return report


def _validate(ctx: Context) -> None:
    """Run every rule group on the package of ``ctx`` (see :func:`validate_package`)."""
    report, inventory = ctx.report, ctx.inventory
    representations = check_structure(ctx)
    report.representations = tuple(representations)
    folder = Path(os.path.realpath(ctx.root)).name
    if "METS.xml" in inventory.files and (doc := _load(ctx, "METS.xml", "root", folder)) is not None:
        report.package_id = doc.root.get("OBJID")
        ctx.docs.append(doc)
    for name in representations:
        path = f"representations/{name}/METS.xml"
        if path in inventory.files and (doc := _load(ctx, path, "representation", name)) is not None:
            ctx.docs.append(doc)
    for doc in ctx.docs:
        _check(ctx, doc)
    check_fixity(ctx)
    check_unreferenced(ctx)
    check_metadata_files(ctx)


def is_valid_package(root: Path, schema_dir: Path) -> bool:
    """Return True when :func:`validate_package` finds no error (warnings allowed)."""
    return validate_package(root, schema_dir).is_valid
