"""Agreement of validate_package with the DILCIS E-ARK IP test corpus (expected-outcomes.tsv).

The corpus is unpacked once per session into a temporary folder (the shared ``corpus/`` is used
only when complete; today it holds just CSIP1 and the template, read-only). Two artefacts of its
git history are repaired there first, both visible in the corpus' own data: (1) git normalised
CRLF text files to LF, but the METS sizes and checksums were computed on the CRLF originals, so a
referenced text file whose declared ``@SIZE`` equals its CRLF length gets its CRLF back;
(2) ``.gitkeep`` placeholders (git cannot store empty folders) are removed. Packages stored as
``.zip`` sit unpacked beside the zip and are checked there.

Row agreement, per (requirement, rule, package) row:

- ``isValid=TRUE``: no *error* with the requirement's code;
- ``isValid=FALSE`` and ``ERROR``: an error with that code;
- ``isValid=FALSE`` and ``WARNING``: a warning with that code; ``INFO`` rows are not scored.

For :data:`CLAIMED_RULES` agreement must be 100 % (the few corpus errata below excepted, each with
its reason); for everything else the disagreement is reported. Package agreement: a package is
expected invalid when any of its rows is ``FALSE``/``ERROR``.
"""

from __future__ import annotations

import csv
import lzma
import tarfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import pytest
from lxml import etree

from kho.packages.formats.eark import CLAIMED_RULES, PackageReport, validate_package
from kho.packages.formats.report import Severity
from kho.packages.formats.schemas import SchemaName, load_schema, schema_errors
from kho.packages.formats.xmlsafe import parse_untrusted
from tests.packages._bagit_data import copy_writable
from tests.packages._eark_data import CORPUS, SCHEMAS

TSV = CORPUS / "expected-outcomes.tsv"
TARBALL = CORPUS / "corpus.tar.xz"
pytestmark = pytest.mark.skipif(not (TSV.is_file() and TARBALL.is_file()), reason="E-ARK corpus missing")

#: Corpus cases whose package does not contain what the test case describes (checked by hand).
ERRATA: dict[tuple[str, str], str] = {
    ("CSIP8", "mets-xml_metsHdr_LASTMODDATE_in_future"): "its METS has no LASTMODDATE at all",
    ("CSIP61", "fileGrp_ADMID_incorrect_ref2"): "its fileGrp/@ADMID lists two real amdSec IDs; the bad ID is "
    "in the structMap Metadata div (a CSIP91 matter)",
}
#: Regression floors for the unclaimed numbers (measured: see the module's printout).
MIN_ROW_AGREEMENT = 0.95
MIN_PACKAGE_AGREEMENT = 0.55

_M = "{http://www.loc.gov/METS/}"
_X = "{http://www.w3.org/1999/xlink}"


@dataclass(frozen=True)
class Row:
    """One scored row of expected-outcomes.tsv."""

    requirement: str
    rule: str
    level: str
    valid: bool
    package: str
    path: str


@dataclass(frozen=True)
class Outcome:
    """A row and whether the validator agreed with it."""

    row: Row
    agrees: bool


def _rows() -> list[Row]:
    with TSV.open(encoding="utf-8", newline="") as f:
        return [
            Row(
                r["requirement"],
                r["rule_id"],
                r["error_level"],
                r["isValid"] == "TRUE",
                r["package_name"],
                r["package_path"],
            )
            for r in csv.DictReader(f, delimiter="\t")
            if r["package_present"] == "yes" and r["isImplemented"] == "TRUE"
        ]


def _extract(target: Path) -> Path:
    """Unpack corpus.tar.xz (regular files and folders with clean names only)."""
    with lzma.open(TARBALL) as xz, tarfile.open(fileobj=xz) as tar:
        for member in tar:
            name = member.name
            if name.startswith("/") or ".." in name.split("/") or not (member.isfile() or member.isdir()):
                continue
            tar.extract(member, target)  # noqa: S202 - members were filtered just above
    return target


def _references(mets: Path) -> Iterator[tuple[Path, int]]:
    try:
        root = etree.parse(str(mets)).getroot()
    except etree.XMLSyntaxError:
        return
    for node in root.iter(f"{_M}file", f"{_M}mdRef"):
        location = node if node.tag == f"{_M}mdRef" else node.find(f"{_M}FLocat")
        size, link = node.get("SIZE", ""), None if location is None else location.get(f"{_X}href")
        if link and size.isdigit():
            yield mets.parent / unquote(link), int(size)


def _restore_crlf(corpus: Path) -> int:
    """Give referenced text files back the CRLF line ends their declared size was computed on."""
    restored = 0
    for mets in sorted(corpus.rglob("METS.xml")):
        for target, size in _references(mets):
            if not target.is_file() and target.parent.is_dir():
                same = [c for c in target.parent.iterdir() if c.name.casefold() == target.name.casefold()]
                target = same[0] if len(same) == 1 else target
            if not target.is_file():
                continue
            data = target.read_bytes()
            if b"\r\n" not in data and len(data) != size and len(data) + data.count(b"\n") == size:
                target.write_bytes(data.replace(b"\n", b"\r\n"))
                restored += 1
    return restored


def _unpacked(target: Path) -> Path:
    """Copy the shared ``corpus/`` when it is complete (the repairs must not touch it), else extract."""
    shared = CORPUS / "corpus"
    if all((CORPUS / row.path).exists() for row in _rows()):
        copy_writable(shared, target / "corpus")
        return target
    return _extract(target)


@pytest.fixture(scope="module")
def corpus_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = _unpacked(tmp_path_factory.mktemp("eark-corpus"))
    assert _restore_crlf(root / "corpus") > 0
    for placeholder in root.rglob(".gitkeep"):
        placeholder.unlink()
    return root


@pytest.fixture(scope="module")
def reports(corpus_root: Path) -> dict[str, PackageReport]:
    out: dict[str, PackageReport] = {}
    for row in _rows():
        if row.path not in out:
            folder = corpus_root / row.path.removesuffix(".zip")
            out[row.path] = validate_package(folder, SCHEMAS)
    return out


@pytest.fixture(scope="module")
def outcomes(reports: dict[str, PackageReport]) -> list[Outcome]:
    scored: list[Outcome] = []
    for row in _rows():
        report = reports[row.path]
        if row.valid:
            agrees = row.requirement not in report.codes(Severity.ERROR)
        elif row.level == "ERROR":
            agrees = row.requirement in report.codes(Severity.ERROR)
        elif row.level == "WARNING":
            agrees = row.requirement in report.codes(Severity.WARNING)
        else:
            continue
        scored.append(Outcome(row, agrees))
    return scored


def test_claimed_rules_agree_completely(outcomes: list[Outcome]) -> None:
    claimed = [o for o in outcomes if o.row.requirement in CLAIMED_RULES]
    scored = [o for o in claimed if (o.row.requirement, o.row.package) not in ERRATA]
    wrong = [(o.row.requirement, o.row.rule, o.row.package) for o in scored if not o.agrees]
    rate = sum(o.agrees for o in scored) / len(scored)
    print(
        f"\nclaimed rules: {len(CLAIMED_RULES)}, rows {len(scored)} (+{len(claimed) - len(scored)} errata), {rate:.1%}"
    )
    assert wrong == []
    assert rate == 1.0


def test_errata_really_disagree(outcomes: list[Outcome]) -> None:
    """An erratum that starts agreeing (corpus fixed, or a validator change) must be removed here."""
    errata = [o for o in outcomes if (o.row.requirement, o.row.package) in ERRATA]
    assert len(errata) == len(ERRATA)
    assert not any(o.agrees for o in errata)


def test_every_claimed_rule_has_corpus_cases(outcomes: list[Outcome]) -> None:
    tested = {o.row.requirement for o in outcomes}
    assert tested >= CLAIMED_RULES, sorted(CLAIMED_RULES - tested)


def test_overall_agreement(outcomes: list[Outcome], reports: dict[str, PackageReport]) -> None:
    disagree = Counter(o.row.requirement for o in outcomes if not o.agrees)
    row_rate = sum(o.agrees for o in outcomes) / len(outcomes)
    expected: dict[str, bool] = {}
    for row in _rows():
        expected[row.path] = expected.get(row.path, True) and not (not row.valid and row.level == "ERROR")
    agree_all = sum(reports[p].is_valid == ok for p, ok in expected.items())
    eark_only = sum(
        (not any(f.code.startswith(("CSIP", "SIP")) for f in reports[p].errors)) == ok for p, ok in expected.items()
    )
    print(f"\nrows: {sum(o.agrees for o in outcomes)}/{len(outcomes)} agree ({row_rate:.1%})")
    print(f"disagreements by requirement (errata included): {dict(sorted(disagree.items()))}")
    print(f"packages: {agree_all}/{len(expected)} verdicts agree ({agree_all / len(expected):.1%}); ")
    print(f"counting only E-ARK codes: {eark_only}/{len(expected)} ({eark_only / len(expected):.1%})")
    assert row_rate >= MIN_ROW_AGREEMENT
    assert agree_all / len(expected) >= MIN_PACKAGE_AGREEMENT


def test_corpus_premis_pair(corpus_root: Path) -> None:
    """The corpus README's PREMIS pair: the test packages' PREMIS is invalid, the template's is valid."""
    schema = load_schema(SCHEMAS, SchemaName.PREMIS)
    bad = corpus_root / "corpus/CSIP/CSIP4/valid/valid_IP_with_SHOULD_MAY_1_rep/metadata/preservation"
    errors = schema_errors(schema, parse_untrusted(bad / "package_preservation_meta_premis_v3.xml"))
    assert any("Extension" in e for e in errors)
    good = corpus_root / "corpus/template-ip/Valid_IP_example/metadata/preservation/PREMIS3.xml"
    assert schema_errors(schema, parse_untrusted(good)) == []
