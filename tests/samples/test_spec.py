"""Ground-truth rules of random_spec: symbols, dates, NFC, codes, marks, references (standards.md §5)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import re
import unicodedata
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kho.core.codetables import DOC_TYPE, DOC_TYPE_OTHER, SECRECY_MARKS, TYPE_ABBREVIATION, Urgency
from kho.samples import DocumentSpec, _vocab, random_spec
from tests.samples.conftest import PARTY_NUMBER, STATE_NUMBER

SEEDS = range(300)
PLACE_DATE = re.compile(r"^\S.*, ngày (0[1-9]|[12]\d|3[01]) tháng (0[12]|[3-9]|1[0-2]) năm (\d{4})$")
STATE_SYMBOL = re.compile(r"\d+/(?:\d{4}/)?[A-ZĐ][A-Za-zĐđ0-9]*(?:-[A-ZĐ0-9][A-Za-zĐđ0-9]*)*")
PARTY_SYMBOL = re.compile(r"\d+-[A-ZĐ][A-Za-zĐđ]*/[A-ZĐ0-9-]+")


@pytest.fixture(scope="module")
def specs() -> list[DocumentSpec]:
    return [random_spec(random.Random(seed)) for seed in SEEDS]


def _strings(spec: DocumentSpec) -> list[str]:
    out: list[str] = []
    for value in dataclasses.astuple(spec):
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, tuple):
            out.extend(value)
    return out


def test_same_seed_gives_identical_truth():
    assert random_spec(random.Random(42)).to_json() == random_spec(random.Random(42)).to_json()
    assert random_spec(random.Random(42)).to_json() != random_spec(random.Random(43)).to_json()


def test_json_round_trip(specs):
    for spec in specs[:50]:
        assert DocumentSpec.from_dict(spec.to_dict()) == spec
        assert list(spec.to_dict())[:16] == [
            "issuer", "issuer_parent", "number", "number_symbol", "doc_type", "doc_type_code", "issued_date",
            "place", "summary", "signer", "signer_title", "signer_authority", "classification", "urgency",
            "recipients", "references",
        ]  # fmt: skip


def test_number_lines_match_the_standard_regexes(specs):
    for spec in specs:
        regex = STATE_NUMBER if spec.system == "state" else PARTY_NUMBER
        match = regex.fullmatch(spec.number_line)
        assert match, spec.number_line
        assert match.group(1) == spec.number
        assert spec.number_line.endswith(spec.number_symbol)
        assert len(spec.number) >= 2  # numbers below 10 are zero-padded
        if spec.system == "party":
            assert spec.number_line.startswith("Số ") and ":" not in spec.number_line
            assert TYPE_ABBREVIATION[match.group(2)] == spec.doc_type_code


def test_state_cong_van_symbols_carry_no_type_code(specs):
    for spec in specs:
        if spec.system == "state" and spec.doc_type == "Công văn":
            assert not spec.number_symbol.split("/")[1].startswith("CV")
            assert spec.summary_prefix == "V/v"


def test_dates_are_valid_and_printed_as_nd30(specs):
    for spec in specs:
        date = dt.date.fromisoformat(spec.issued_date)
        assert dt.date(2024, 1, 1) <= date <= dt.date(2025, 12, 31)
        match = PLACE_DATE.fullmatch(spec.place_date_line)
        assert match, spec.place_date_line
        assert (int(match.group(1)), int(match.group(2)), int(match.group(3))) == (date.day, date.month, date.year)


def test_cited_documents_are_older_and_listed(specs):
    for spec in specs:
        body = "\n".join(spec.body)
        assert spec.references, spec.number_symbol
        assert len(set(spec.references)) == len(spec.references)
        for symbol in spec.references:
            assert symbol in body
            assert symbol != spec.number_symbol
            assert STATE_SYMBOL.fullmatch(symbol) or PARTY_SYMBOL.fullmatch(symbol), symbol
        real = {r.symbol: r.date for r in (*_vocab.STATE_REFERENCES, *_vocab.PARTY_REFERENCES)}
        assert all(real[s] < spec.date for s in spec.references if s in real)


def test_every_string_is_nfc(specs):
    for spec in specs:
        for text in _strings(spec):
            assert unicodedata.is_normalized("NFC", text), text


def test_type_codes_follow_codetables(specs):
    names = {name: code for code, name in DOC_TYPE.items()}
    for spec in specs:
        assert spec.doc_type_code == names.get(spec.doc_type, DOC_TYPE_OTHER)
    assert {s.doc_type for s in specs if s.doc_type_code == DOC_TYPE_OTHER} <= {"Kết luận"}


def test_signature_forms(specs):
    for spec in specs:
        prefixes = ("TM. ", "KT. ", "TL. ") if spec.system == "state" else ("T/M ", "K/T ", "T/L ")
        for line in (spec.signer_authority or "").split(" / "):
            assert not line or line.startswith(prefixes), line
        assert spec.signer_title is None or spec.signer_title == spec.signer_title.upper()
        assert len(spec.signer.split()) == 3


def test_recipients_and_distribution(specs):
    for spec in specs:
        assert spec.distribution[-1].startswith("Lưu")
        if spec.system == "state":
            assert spec.distribution[-1].startswith("Lưu: VT, ")
        assert not any(r.startswith("Lưu") for r in spec.recipients)
        assert list(spec.recipients[: len(spec.addressees)]) == list(spec.addressees)
        if spec.addressees:
            assert spec.distribution[0] == "Như trên"


def test_marks_are_valid_and_about_ten_percent():
    specs = [random_spec(random.Random(seed)) for seed in range(1000, 1800)]
    marks = Counter(s.classification for s in specs)
    urgent = Counter(s.urgency for s in specs)
    assert set(marks) <= {None, *SECRECY_MARKS.values()}
    assert set(urgent) <= {None, *(u.value for u in Urgency)}
    assert 0.05 < 1 - marks[None] / len(specs) < 0.16
    assert 0.05 < 1 - urgent[None] / len(specs) < 0.2
    assert marks["TUYỆT MẬT"] < marks["MẬT"]


def test_both_systems_and_many_types(specs):
    kinds = Counter((s.system, s.doc_type) for s in specs)
    assert {t for system, t in kinds if system == "state"} >= {
        "Quyết định", "Công văn", "Kế hoạch", "Báo cáo", "Thông báo", "Tờ trình", "Công điện",
    }  # fmt: skip
    assert {t for system, t in kinds if system == "party"} >= {
        "Nghị quyết", "Kết luận", "Công văn", "Thông báo", "Kế hoạch",
    }  # fmt: skip
    assert {s.pages for s in specs} >= {1, 2}


def test_system_can_be_forced():
    assert random_spec(random.Random(1), system="party").system == "party"
    assert random_spec(random.Random(1), system="state").system == "state"
    with pytest.raises(ValueError, match="system"):
        random_spec(random.Random(1), system="army")


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=0, max_value=2**64 - 1))
def test_any_seed_gives_a_consistent_spec(seed):
    spec = random_spec(random.Random(seed))
    regex = STATE_NUMBER if spec.system == "state" else PARTY_NUMBER
    assert regex.fullmatch(spec.number_line)
    assert spec.pages >= 1
    assert all(unicodedata.is_normalized("NFC", text) for text in _strings(spec))
