"""Property tests (style rule 27): METS written for random Vietnamese file names keeps the names."""

from __future__ import annotations

import io
import tempfile
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kho.core.text import nfc
from kho.packages.formats._earkxml import METS_NS, XLINK_NS, href, unhref
from kho.packages.formats.eark import (
    Agency,
    DocumentSpec,
    FileSpec,
    PackageSpec,
    RecordSpec,
    validate_package,
    write_package,
)
from kho.packages.formats.xmlsafe import parse_untrusted
from tests.packages._eark_data import SCHEMAS, T0

pytestmark = pytest.mark.skipif(not SCHEMAS.is_dir(), reason=f"test data missing: {SCHEMAS}")

_LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ"
_ALPHABET = _LETTERS + _LETTERS.upper() + "0123456789 -_.,()%#&+=@!'"
_segment = st.text(alphabet=_ALPHABET, min_size=1, max_size=24).filter(lambda s: s.strip(" .") != "" and s == s.strip())
_path = st.lists(_segment, min_size=1, max_size=3).map("/".join)


@given(name=_path)
def test_href_round_trips(name: str) -> None:
    encoded = href(nfc(name))
    assert encoded.isascii()
    assert unhref(encoded) == nfc(name)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(names=st.lists(_path, min_size=1, max_size=4, unique_by=lambda p: nfc(p).casefold()), use_nfd=st.booleans())
def test_mets_keeps_vietnamese_names(names: list[str], use_nfd: bool) -> None:
    # A file cannot also be a folder: drop names that are a folder prefix of another name.
    names = [n for n in names if not any(o != n and nfc(o).startswith(nfc(n) + "/") for o in names)]
    form = "NFD" if use_nfd else "NFC"
    files = tuple(
        FileSpec(unicodedata.normalize(form, name), io.BytesIO(name.encode()), "application/pdf", T0) for name in names
    )
    document = DocumentSpec("X.2025.1.1", "X.2025.1.0000001", 1, unicodedata.normalize(form, "Trích yếu"), files=files)
    record = RecordSpec("X.2025.1", unicodedata.normalize(form, "Hồ sơ"), documents=(document,))
    spec = PackageSpec("pkg", "Gói", T0, Agency("X", "Cơ quan"), (record,))
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "pkg"
        write_package(root, spec)
        mets = parse_untrusted(root / "representations/rep1/METS.xml").getroot()
        hrefs = [unhref(v) for v in mets.iter(f"{{{METS_NS}}}FLocat") for v in [v.get(f"{{{XLINK_NS}}}href", "")]]
        assert sorted(hrefs) == sorted(f"data/{nfc(n)}" for n in names)
        for name in names:
            assert (root / "representations/rep1/data" / nfc(name)).read_bytes() == name.encode()
        report = validate_package(root, SCHEMAS)
        assert report.is_valid, [f.render() for f in report.errors]
