"""Checks across references: sizes and checksums, unreferenced files, PREMIS/EAD schema validity.

Every referenced file is hashed once, with every algorithm any METS asks for, on the bounded thread
pool of :func:`kho.packages.formats.hashing.hash_many` (memory does not grow with file size).
"""

from __future__ import annotations

import re
from collections import defaultdict

from lxml import etree

from kho.core.text import N_
from kho.packages.formats._csip_base import CHECKSUM_ALGORITHMS, Context, FileRef, M
from kho.packages.formats._earkxml import EAD_NS, PREMIS2_NS, PREMIS_NS, unhref
from kho.packages.formats.eark_errors import MalformedXmlError, UnsafeXmlError
from kho.packages.formats.hashing import hash_file, hash_many
from kho.packages.formats.safepath import safe_join
from kho.packages.formats.schemas import SchemaName, load_schema, schema_errors
from kho.packages.formats.xmlsafe import parse_untrusted

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
    jobs = (
        (path, safe_join(ctx.root, path), sorted(algos), ctx.inventory.files[path]) for path, algos in needed.items()
    )
    total = sum(ctx.inventory.files[path] for path in needed)
    digests = ctx.digests
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


def check_metadata_files(ctx: Context) -> None:
    """Parse every referenced metadata file safely; validate PREMIS 3/2.2 and EAD 2002 against their XSDs."""
    done: set[str] = set()
    for ref in ctx.refs:
        if ref.section not in _METADATA_SECTIONS or ref.path in done or not ref.path.lower().endswith(".xml"):
            continue
        done.add(ref.path)
        try:
            tree = parse_untrusted(safe_join(ctx.root, ref.path))
        except UnsafeXmlError as exc:
            ctx.report.error("KHO-XML-UNSAFE", ref.path, N_("%(path)s has a DOCTYPE (%(reason)s)."), reason=exc.reason)
            continue
        except MalformedXmlError as exc:
            ctx.report.error(
                "KHO-XML-MALFORMED", ref.path, N_("%(path)s is not well-formed: %(detail)s"), detail=exc.detail
            )
            continue
        namespace = tree.getroot().tag.partition("}")[0].lstrip("{")
        schema, code = {
            PREMIS_NS: (SchemaName.PREMIS, "KHO-PREMIS-SCHEMA"),
            PREMIS2_NS: (SchemaName.PREMIS2, "KHO-PREMIS-SCHEMA"),
            EAD_NS: (SchemaName.EAD, "KHO-EAD-SCHEMA"),
        }.get(namespace, (None, ""))
        if schema is None:
            continue
        for message in schema_errors(load_schema(ctx.schema_dir, schema), tree):
            ctx.report.error(code, ref.path, N_("%(path)s is not valid against its schema: %(error)s"), error=message)
        if namespace == PREMIS_NS:
            _premis_fixity(ctx, ref.path, tree.getroot())


def _premis_fixity(ctx: Context, premis_path: str, root: etree._Element) -> None:
    """Compare PREMIS ``fixity`` of objects identified by a package path with the files (``KHO-PREMIS-FIXITY``).

    Objects identified otherwise (UUIDs, URNs) are skipped: their file cannot be known.
    """
    ns = {"p": PREMIS_NS}
    for obj in root.iterfind("p:object", ns):
        path = unhref(obj.findtext("p:objectIdentifier/p:objectIdentifierValue", "", ns).strip())
        if path not in ctx.inventory.files:
            continue
        for fixity in obj.iterfind("p:objectCharacteristics/p:fixity", ns):
            name = fixity.findtext("p:messageDigestAlgorithm", "", ns).upper().replace("-", "")
            algorithm = _PREMIS_ALGORITHMS.get(name)
            if algorithm is None:
                continue
            known = ctx.digests.setdefault(path, {})
            if algorithm not in known:
                known.update(hash_file(safe_join(ctx.root, path), [algorithm]))
            if known[algorithm] != fixity.findtext("p:messageDigest", "", ns).strip().lower():
                ctx.report.error(
                    "KHO-PREMIS-FIXITY", path, N_("%(path)s does not match its %(algorithm)s fixity in %(premis)s."),
                    algorithm=name, premis=premis_path,
                )  # fmt: skip
