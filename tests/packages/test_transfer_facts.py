"""The METS and EAD facts gathered while the validator streams those files (``_read.FactsCollector``).

They must equal what ``read_mets`` / ``read_ead`` read on their own, and a file the validator did not see
whole must be read again rather than trusted half-seen.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from kho.packages import _read
from kho.packages.formats.eark import validate_package
from tests.packages import test_transfer_fixtures
from tests.packages.test_transfer_fixtures import fresh_copy, payload_dir

pristine = test_transfer_fixtures.pristine  # the module-scoped fixture, shared


def _collect(package: Path) -> tuple[_read.FactsCollector, set[str], tuple[_read.MetsFacts, _read.EadFacts]]:
    collector = _read.FactsCollector(package)
    report = validate_package(package, settings.KHO_SCHEMA_DIR, observers=collector.observers())
    return collector, set(report.observed), collector.facts(report.observed)


@pytest.mark.django_db
def test_observed_facts_equal_a_separate_read(pristine: Any, tmp_path: Path) -> None:
    package = payload_dir(fresh_copy(pristine[0], tmp_path / "bag"))
    collector, observed, (mets, ead) = _collect(package)
    assert "metadata/descriptive/EAD.xml" in observed
    assert all(f"representations/{name}/METS.xml" in observed for name in collector.names)
    assert mets is collector.mets and ead is collector.ead  # taken from the stream, not read again
    assert mets == _read.read_mets(package) and len(mets.files) == 6
    assert ead == _read.read_ead(package) and ead.documents == 6


@pytest.mark.django_db
def test_a_truncated_ead_is_read_again_not_trusted_half_seen(pristine: Any, tmp_path: Path) -> None:
    package = payload_dir(fresh_copy(pristine[0], tmp_path / "bag"))
    ead_path = package / "metadata/descriptive/EAD.xml"
    text = ead_path.read_bytes()
    ead_path.write_bytes(text[: int(len(text) * 0.7)])  # cut inside the second record
    collector, observed, (mets, ead) = _collect(package)
    assert "metadata/descriptive/EAD.xml" not in observed
    assert ead is not collector.ead and ead == _read.read_ead(package) and not ead.readable
    assert mets is collector.mets
