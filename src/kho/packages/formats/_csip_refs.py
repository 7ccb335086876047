"""Checks across references: sizes and checksums, unreferenced files, PREMIS/EAD schema validity.

Every referenced file is hashed once, with every algorithm any METS asks for, on the bounded thread
pool of :func:`kho.packages.formats.hashing.hash_many` (memory does not grow with file size).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, MutableMapping
from pathlib import Path

from lxml import etree

from kho.core.text import N_
from kho.packages.formats._csip_base import CHECKSUM_ALGORITHMS, Context, FileRef, M
from kho.packages.formats._earkxml import EAD_NS, PREMIS2_NS, PREMIS_NS, unhref
from kho.packages.formats.eark_errors import MalformedXmlError, UnsafeXmlError
from kho.packages.formats.earkreport import PackageReport
from kho.packages.formats.exceptions import PackageFormatError
from kho.packages.formats.hashing import hash_file, hash_many
from kho.packages.formats.report import FindingList
from kho.packages.formats.safepath import safe_join
from kho.packages.formats.schemas import SchemaName, load_schema, schema_errors, schema_lock
from kho.packages.formats.spill import SpillMap
from kho.packages.formats.xmlsafe import StreamIncompleteError, iter_untrusted, parse_untrusted, root_tag

_REP_METS = re.compile(r"representations/[^/]+/METS\.xml")
_SCHEMAS = re.compile(r"(representations/[^/]+/)?schemas/")
_DESCRIPTIVE = re.compile(r"(representations/[^/]+/)?metadata/descriptive/")
_PRESERVATION = re.compile(r"(representations/[^/]+/)?metadata/preservation/")
_PREMIS_ALGORITHMS = {"MD5": "md5", "SHA1": "sha1", "SHA256": "sha256", "SHA384": "sha384", "SHA512": "sha512"}
_METADATA_SECTIONS = frozenset({"dmdSec", "digiprovMD", "rightsMD", "techMD", "sourceMD"})


def check_fixity(ctx: Context) -> None:
    """Compare every reference's ``@SIZE`` and ``@CHECKSUM`` with the file (CSIP27/29/41/43/54/56/69/71).

    A reference whose digest the caller knows (``ctx.known``: computed from the file moments ago, e.g. by the
    bag check) is compared as it passes; the files of the others are hashed once, with every algorithm
    they need, and those references are compared in a second pass. Either way the findings keep the
    references' order, and nothing is held per file but spilled maps: ``ctx.referenced`` gets every
    referenced path, with its size once its digests are known (else -1).
    """
    early = PackageReport(path=ctx.report.path)  # findings of references compared in the first pass
    spans: list[tuple[int, int, int]] = []  # (reference index, first and end finding in ``early``)
    deferred: list[list[int]] = []  # runs [start, end) of indices of references compared after hashing
    with SpillMap[tuple[list[str], int]]() as needed:  # path -> (algorithms to hash, size)
        for index, ref in enumerate(ctx.refs):
            digests = _first_pass(ctx, ref, needed)
            if digests is None:
                if deferred and deferred[-1][1] == index:
                    deferred[-1][1] = index + 1
                else:
                    deferred.append([index, index + 1])
                continue
            before = len(early.findings)
            _compare(early, ref, digests)
            if len(early.findings) > before:
                spans.append((index, before, len(early.findings)))
        _hash_needed(ctx, needed)
    for size in ctx.referenced.values():
        if size >= 0:
            ctx.report.files_checked += 1
            ctx.report.bytes_checked += size
    if not deferred:
        ctx.report.findings.extend(early.findings)
        return
    _second_pass(ctx, early, spans, deferred)


def _first_pass(
    ctx: Context, ref: FileRef, needed: MutableMapping[str, tuple[list[str], int]]
) -> Mapping[str, str] | None:
    """The digests to compare ``ref`` with now, or None after queueing its file for hashing."""
    referenced = ctx.referenced
    algorithm = CHECKSUM_ALGORITHMS.get((ref.checksum_type or "").upper())
    if not ref.checksum or not algorithm:
        if ref.path not in referenced:
            referenced[ref.path] = -1
        return {}
    known = ctx.known.get(ref.path)
    if known is not None and algorithm in known:
        referenced[ref.path] = ref.actual
        return known
    algorithms, _size = needed.get(ref.path, ([], 0))
    if algorithm not in algorithms:
        needed[ref.path] = ([*algorithms, algorithm], ref.actual)
    if ref.path not in referenced:
        referenced[ref.path] = -1
    return None


def _hash_needed(ctx: Context, needed: Mapping[str, tuple[list[str], int]]) -> None:
    """Hash the files the first pass queued, on the bounded pool; their digests go to ``ctx.digests``."""
    jobs = (
        ((path, size), safe_join(ctx.root, path, ctx.dirs), sorted(algorithms), size)
        for path, (algorithms, size) in needed.items()
    )
    total = sum(size for _algorithms, size in needed.values())
    for (path, size), result in hash_many(jobs, total_bytes=total):
        if isinstance(result, OSError):
            ctx.report.error("KHO-UNREADABLE", path, N_("Cannot read %(path)s: %(error)s"), error=str(result))
        else:
            ctx.digests[path] = result
            ctx.referenced[path] = size


def _second_pass(ctx: Context, early: PackageReport, spans: list[tuple[int, int, int]],
                 deferred: list[list[int]]) -> None:  # fmt: skip
    """Report the first pass's findings and compare the deferred references, all in the references' order."""
    spans_left, runs = iter(spans), iter(deferred)
    span, run = next(spans_left, None), next(runs, None)
    for index, ref in enumerate(ctx.refs):
        while run is not None and index >= run[1]:
            run = next(runs, None)
        if run is not None and run[0] <= index:
            fresh = ctx.digests.get(ref.path)
            _compare(ctx.report, ref, _digests(ctx, ref.path) if fresh is not None else {})
        elif span is not None and span[0] == index:
            ctx.report.findings.extend(early.findings[span[1] : span[2]])
            span = next(spans_left, None)


def _digests(ctx: Context, path: str) -> dict[str, str]:
    """Every digest of ``path`` known so far: the caller's (``ctx.known``) and those computed here."""
    known, fresh = ctx.known.get(path), ctx.digests.get(path)
    return {**(known or {}), **(fresh or {})}


def _compare(report: FindingList, ref: FileRef, digests: Mapping[str, str]) -> None:
    actual = ref.actual
    if ref.size is not None and (not ref.size.strip().isdigit() or int(ref.size) != actual):
        report.error(
            ref.codes.size, ref.path, N_("%(path)s is %(actual)d bytes but %(mets)s says %(value)s."),
            actual=actual, mets=ref.mets, value=ref.size,
        )  # fmt: skip
    if not ref.checksum or not ref.checksum_type:
        return
    algorithm = CHECKSUM_ALGORITHMS.get(ref.checksum_type.upper())
    if algorithm is None:
        report.warning(
            "KHO-CHECKSUM-UNVERIFIED", ref.path, N_("%(path)s: %(algorithm)s checksums cannot be verified."),
            algorithm=ref.checksum_type,
        )  # fmt: skip
    elif algorithm in digests and digests[algorithm] != ref.checksum.strip().lower():
        report.error(
            ref.codes.checksum, ref.path, N_("%(path)s does not match its %(algorithm)s checksum in %(mets)s."),
            algorithm=ref.checksum_type, mets=ref.mets,
        )  # fmt: skip


def check_unreferenced(ctx: Context) -> None:
    """Every file except METS files and schemas must be referenced from a METS file.

    Unreferenced descriptive metadata is CSIP17 (no dmdSec at all) or CSIP21; unreferenced
    preservation metadata is CSIP31 (no amdSec at all) or CSIP32; anything else is
    ``KHO-UNREFERENCED``: a file no METS lists has no checksum, so nobody could notice it changing.
    Skipped below a METS file that could not be read (its problem is already reported).
    """
    if "" in ctx.unreadable or "METS.xml" not in ctx.inventory.files:
        return
    any_dmd = any(doc.root.find(M("dmdSec")) is not None for doc in ctx.docs)
    any_amd = any(doc.root.find(M("amdSec")) is not None for doc in ctx.docs)
    unreferenced = [
        path
        for path in ctx.inventory.files
        if not (path == "METS.xml" or _REP_METS.fullmatch(path) or _SCHEMAS.match(path))
        and not any(path.startswith(base) for base in ctx.unreadable)
        and path not in ctx.referenced  # last: a lookup in a spilled map (``check_fixity`` filled it)
    ]  # only the files reported below, so memory stays flat
    for path in sorted(unreferenced):
        if _DESCRIPTIVE.match(path):
            code = "CSIP21" if any_dmd else "CSIP17"
            ctx.report.error(code, path, N_("Descriptive metadata %(path)s is not referenced by a dmdSec."))
        elif _PRESERVATION.match(path):
            code = "CSIP32" if any_amd else "CSIP31"
            ctx.report.error(code, path, N_("Preservation metadata %(path)s is not referenced by a digiprovMD."))
        else:
            ctx.report.error("KHO-UNREFERENCED", path, N_("%(path)s is not referenced by any METS file."))


_METADATA_SCHEMAS = {
    PREMIS_NS: (SchemaName.PREMIS, "KHO-PREMIS-SCHEMA"),
    PREMIS2_NS: (SchemaName.PREMIS2, "KHO-PREMIS-SCHEMA"),
    EAD_NS: (SchemaName.EAD, "KHO-EAD-SCHEMA"),
}
_PREMIS_OBJECT = f"{{{PREMIS_NS}}}object"
_STREAM_TAGS = {
    EAD_NS: (f"{{{EAD_NS}}}c",),
    **{
        ns: tuple(f"{{{ns}}}{local}" for local in ("object", "event", "agent", "rights"))
        for ns in (PREMIS_NS, PREMIS2_NS)
    },
}


def check_metadata_files(ctx: Context) -> None:
    """Parse every referenced metadata file safely; validate PREMIS 3/2.2 and EAD 2002 against their XSDs.

    PREMIS and EAD grow with the package, so they are first validated as a stream (memory stays flat);
    only a file that fails that pass, or another kind of XML, is parsed as a tree, which then lists every
    problem as before.
    """
    done: set[str] = set()
    for ref in ctx.refs:
        if ref.section not in _METADATA_SECTIONS or ref.path in done or not ref.path.lower().endswith(".xml"):
            continue
        done.add(ref.path)
        path = safe_join(ctx.root, ref.path, ctx.dirs)
        if not _check_streamed(ctx, ref.path, path):
            _check_tree(ctx, ref.path, path)


def _check_streamed(ctx: Context, rel: str, path: Path) -> bool:
    """Validate a PREMIS or EAD file while streaming it (PREMIS fixity too); False if the tree check must run."""
    try:
        namespace = root_tag(path).partition("}")[0].lstrip("{")
    except PackageFormatError:
        return False
    if namespace not in _METADATA_SCHEMAS:
        return False
    schema = load_schema(ctx.schema_dir, _METADATA_SCHEMAS[namespace][0])
    mismatches: list[tuple[str, str]] = []
    # Stream a component (EAD) or an object, event, agent or rights statement (PREMIS) at a time.
    tags = _STREAM_TAGS.get(namespace, ())
    observe = ctx.observers.get(rel)
    try:
        with schema_lock():
            for element in iter_untrusted(path, tags, schema):
                if element.tag == _PREMIS_OBJECT:
                    mismatches.extend(_premis_object_fixity(ctx, element))
                if observe is not None:
                    observe(element)
    except (etree.XMLSyntaxError, StreamIncompleteError, PackageFormatError, OSError):
        return False  # the tree check reports it, with every schema error
    for file_path, name in mismatches:
        _premis_fixity_error(ctx, rel, file_path, name)
    if observe is not None:
        ctx.report.observed.add(rel)
    return True


def _check_tree(ctx: Context, rel: str, path: Path) -> None:
    """Parse one metadata file as a tree and report every problem (unsafe, malformed, schema, PREMIS fixity)."""
    try:
        tree = parse_untrusted(path)
    except UnsafeXmlError as exc:
        ctx.report.error("KHO-XML-UNSAFE", rel, N_("%(path)s has a DOCTYPE (%(reason)s)."), reason=exc.reason)
        return
    except MalformedXmlError as exc:
        ctx.report.error("KHO-XML-MALFORMED", rel, N_("%(path)s is not well-formed: %(detail)s"), detail=exc.detail)
        return
    namespace = tree.getroot().tag.partition("}")[0].lstrip("{")
    schema, code = _METADATA_SCHEMAS.get(namespace, (None, ""))
    if schema is None:
        return
    for message in schema_errors(load_schema(ctx.schema_dir, schema), tree):
        ctx.report.error(code, rel, N_("%(path)s is not valid against its schema: %(error)s"), error=message)
    if namespace == PREMIS_NS:
        for obj in tree.getroot().iterfind("p:object", {"p": PREMIS_NS}):
            for file_path, name in _premis_object_fixity(ctx, obj):
                _premis_fixity_error(ctx, rel, file_path, name)


def _premis_object_fixity(ctx: Context, obj: etree._Element) -> list[tuple[str, str]]:
    """``(path, algorithm)`` of every PREMIS ``fixity`` of ``obj`` that does not match its file.

    Objects identified otherwise than by a package path (UUIDs, URNs) are skipped: their file cannot be
    known.
    """
    ns = {"p": PREMIS_NS}
    path = unhref(obj.findtext("p:objectIdentifier/p:objectIdentifierValue", "", ns).strip())
    mismatches = []
    digests: dict[str, str] | None = None
    for fixity in obj.iterfind("p:objectCharacteristics/p:fixity", ns):
        name = fixity.findtext("p:messageDigestAlgorithm", "", ns).upper().replace("-", "")
        algorithm = _PREMIS_ALGORITHMS.get(name)
        if algorithm is None:
            continue
        if digests is None:
            digests = _digests(ctx, path)  # a file with digests is in the package: one lookup, not two
            if not digests and path not in ctx.inventory.files:
                return []
        if algorithm not in digests:
            computed = hash_file(safe_join(ctx.root, path, ctx.dirs), [algorithm])
            digests.update(computed)
            ctx.digests[path] = {**ctx.digests.get(path, {}), **computed}
        if digests[algorithm] != fixity.findtext("p:messageDigest", "", ns).strip().lower():
            mismatches.append((path, name))
    return mismatches


def _premis_fixity_error(ctx: Context, premis_path: str, path: str, algorithm: str) -> None:
    ctx.report.error(
        "KHO-PREMIS-FIXITY", path, N_("%(path)s does not match its %(algorithm)s fixity in %(premis)s."),
        algorithm=algorithm, premis=premis_path,
    )  # fmt: skip
