"""Checks across references: sizes and checksums, unreferenced files, PREMIS/EAD schema validity.

Every referenced file is hashed once, with every algorithm any METS asks for, on the bounded thread
pool of :func:`kho.packages.formats.hashing.hash_many` (memory does not grow with file size).
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from lxml import etree

from kho.core.text import N_
from kho.packages.formats._csip_base import CHECKSUM_ALGORITHMS, Context, FileRef, M
from kho.packages.formats._earkxml import EAD_NS, PREMIS2_NS, PREMIS_NS, unhref
from kho.packages.formats.eark_errors import MalformedXmlError, UnsafeXmlError
from kho.packages.formats.exceptions import PackageFormatError
from kho.packages.formats.hashing import hash_file, hash_many
from kho.packages.formats.safepath import safe_join
from kho.packages.formats.schemas import SchemaName, load_schema, schema_errors, schema_lock
from kho.packages.formats.xmlsafe import StreamIncompleteError, iter_untrusted, parse_untrusted, root_tag

_REP_METS = re.compile(r"representations/[^/]+/METS\.xml")
_SCHEMAS = re.compile(r"(representations/[^/]+/)?schemas/")
_DESCRIPTIVE = re.compile(r"(representations/[^/]+/)?metadata/descriptive/")
_PRESERVATION = re.compile(r"(representations/[^/]+/)?metadata/preservation/")
_PREMIS_ALGORITHMS = {"MD5": "md5", "SHA1": "sha1", "SHA256": "sha256", "SHA384": "sha384", "SHA512": "sha512"}
_METADATA_SECTIONS = frozenset({"dmdSec", "digiprovMD", "rightsMD", "techMD", "sourceMD"})


def _jobs(ctx: Context) -> dict[str, set[str]]:
    """Map each referenced path to the hashlib algorithms its references need."""
    needed: dict[str, set[str]] = defaultdict(set)
    for ref in ctx.refs:
        algorithm = CHECKSUM_ALGORITHMS.get((ref.checksum_type or "").upper())
        if ref.checksum and algorithm:
            needed[ref.path].add(algorithm)
    return needed


def check_fixity(ctx: Context) -> None:
    """Compare every reference's ``@SIZE`` and ``@CHECKSUM`` with the file (CSIP27/29/41/43/54/56/69/71)."""
    needed = _jobs(ctx)
    digests = ctx.digests
    for path, algos in list(needed.items()):
        known = ctx.known.get(path)
        if known is not None and algos <= known.keys():
            digests[path] = dict(known)  # computed from this very file moments ago (e.g. by the bag check)
            del needed[path]
    jobs = (
        (path, safe_join(ctx.root, path, ctx.dirs), sorted(algos), ctx.inventory.files[path])
        for path, algos in needed.items()
    )
    total = sum(ctx.inventory.files[path] for path in needed)
    for path, result in hash_many(jobs, total_bytes=total):
        if isinstance(result, OSError):
            ctx.report.error("KHO-UNREADABLE", path, N_("Cannot read %(path)s: %(error)s"), error=str(result))
        else:
            digests[path] = result
    ctx.report.files_checked = len(digests)
    ctx.report.bytes_checked = sum(ctx.inventory.files[path] for path in digests)
    for ref in ctx.refs:
        _compare(ctx, ref, digests.get(ref.path, {}))


def _compare(ctx: Context, ref: FileRef, digests: dict[str, str]) -> None:
    report, actual = ctx.report, ctx.inventory.files[ref.path]
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
    referenced = {ref.path for ref in ctx.refs}
    any_dmd = any(doc.root.find(M("dmdSec")) is not None for doc in ctx.docs)
    any_amd = any(doc.root.find(M("amdSec")) is not None for doc in ctx.docs)
    for path in sorted(ctx.inventory.files):
        if path in referenced or path == "METS.xml" or _REP_METS.fullmatch(path) or _SCHEMAS.match(path):
            continue
        if any(path.startswith(base) for base in ctx.unreadable):
            continue
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
    if path not in ctx.inventory.files:
        return []
    mismatches = []
    for fixity in obj.iterfind("p:objectCharacteristics/p:fixity", ns):
        name = fixity.findtext("p:messageDigestAlgorithm", "", ns).upper().replace("-", "")
        algorithm = _PREMIS_ALGORITHMS.get(name)
        if algorithm is None:
            continue
        known = ctx.digests.setdefault(path, {})
        if algorithm not in known:
            known.update(hash_file(safe_join(ctx.root, path, ctx.dirs), [algorithm]))
        if known[algorithm] != fixity.findtext("p:messageDigest", "", ns).strip().lower():
            mismatches.append((path, name))
    return mismatches


def _premis_fixity_error(ctx: Context, premis_path: str, path: str, algorithm: str) -> None:
    ctx.report.error(
        "KHO-PREMIS-FIXITY", path, N_("%(path)s does not match its %(algorithm)s fixity in %(premis)s."),
        algorithm=algorithm, premis=premis_path,
    )  # fmt: skip
