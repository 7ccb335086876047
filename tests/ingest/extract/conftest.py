"""Fixtures for the metadata extractor tests: every text test runs on the NFC and the NFD input (style rule 16)."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

import pytest

from kho.ingest.extract import ExtractedMetadata, extract_metadata

Extract = Callable[[str], ExtractedMetadata]


@pytest.fixture(params=["NFC", "NFD"])
def unicode_form(request: pytest.FixtureRequest) -> str:
    """The Unicode normalisation form the input text is given in."""
    return str(request.param)


@pytest.fixture
def as_form(unicode_form: str) -> Callable[[str], str]:
    """Convert a test input to the form under test (outputs are always NFC)."""

    def convert(text: str) -> str:
        return unicodedata.normalize(unicode_form, text)  # type: ignore[arg-type]

    return convert


@pytest.fixture
def extract(as_form: Callable[[str], str]) -> Extract:
    """``extract_metadata`` applied to the input in the form under test."""

    def run(text: str) -> ExtractedMetadata:
        return extract_metadata(as_form(text))

    return run
