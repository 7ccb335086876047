"""parse_untrusted refuses DTDs and entities (XXE, billion laughs, external DTD) and reads normal XML."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from kho.packages.formats.eark_errors import MalformedXmlError, UnsafeXmlError
from kho.packages.formats.exceptions import PackageFormatError
from kho.packages.formats.xmlsafe import PROLOG_LIMIT, parse_untrusted

XXE = '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n<x>&e;</x>\n'
LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + "".join(f' <!ENTITY lol{i} "{("&lol" + ("" if i == 1 else str(i - 1)) + ";") * 10}">\n' for i in range(1, 10))
    + "]>\n<lolz>&lol9;</lolz>\n"
)
EXTERNAL_DTD = '<?xml version="1.0"?>\n<!DOCTYPE mets SYSTEM "http://127.0.0.1:9/evil.dtd">\n<mets/>\n'
PUBLIC_DTD = '<!DOCTYPE ead PUBLIC "+//ISBN 1-931666-00-8//DTD ead.dtd//EN" "ead.dtd">\n<ead/>\n'
PARAMETER_ENTITY = '<!DOCTYPE x [<!ENTITY % p SYSTEM "http://127.0.0.1:9/p.dtd"> %p;]>\n<x/>\n'


def write(tmp_path: Path, text: str, name: str = "METS.xml", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (XXE, "entity"),
        (LAUGHS, "entity"),
        (EXTERNAL_DTD, "external-dtd"),
        (PUBLIC_DTD, "external-dtd"),
        (PARAMETER_ENTITY, "entity"),
        ("<!DOCTYPE x>\n<x/>", "doctype"),
        ("<?xml version='1.0'?><!-- comment --><?pi x?>\n<!DOCTYPE x [<!ENTITY a 'b'>]><x>&a;</x>", "entity"),
    ],
    ids=["xxe", "billion-laughs", "external-dtd", "public-dtd", "parameter-entity", "bare-doctype", "after-comment"],
)
def test_refuses_doctype(tmp_path: Path, payload: str, reason: str) -> None:
    path = write(tmp_path, payload)
    started = time.monotonic()
    with pytest.raises(UnsafeXmlError) as info:
        parse_untrusted(path)
    assert time.monotonic() - started < 1.0
    assert info.value.reason == reason
    assert info.value.path == str(path)
    assert str(path) in info.value.render()
    assert isinstance(info.value, PackageFormatError)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-8-sig"])
def test_refuses_doctype_in_other_encodings(tmp_path: Path, encoding: str) -> None:
    declared = encoding.replace("-sig", "").upper()
    text = f'<?xml version="1.0" encoding="{declared}"?>\n' + XXE.split("\n", 1)[1]
    with pytest.raises(UnsafeXmlError):
        parse_untrusted(write(tmp_path, text, encoding=encoding))


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_refuses_doctype_without_declaration_or_bom(tmp_path: Path, encoding: str) -> None:
    with pytest.raises(UnsafeXmlError) as info:
        parse_untrusted(write(tmp_path, XXE.split("\n", 1)[1], encoding=encoding))
    assert info.value.reason == "entity"


def test_never_reads_the_entity_target(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    path = write(tmp_path, f'<!DOCTYPE x [<!ENTITY e SYSTEM "{secret.as_uri()}">]><x>&e;</x>')
    with pytest.raises(UnsafeXmlError) as info:
        parse_untrusted(path)
    assert "TOP SECRET" not in info.value.render()


def test_parses_normal_xml_with_vietnamese(tmp_path: Path) -> None:
    path = write(tmp_path, '<?xml version="1.0" encoding="UTF-8"?>\n<!-- ghi chú -->\n<x a="Hồ sơ">Quyết định</x>\n')
    tree = parse_untrusted(path)
    assert tree.getroot().text == "Quyết định"
    assert tree.getroot().get("a") == "Hồ sơ"


def test_file_name_is_not_a_url(tmp_path: Path) -> None:
    path = write(tmp_path, "<x/>", name="a%2e%2e?b#c.xml")
    assert parse_untrusted(path).getroot().tag == "x"


@pytest.mark.parametrize("text", ["<x>", "not xml at all", "", "<x>&undefined;</x>"])
def test_malformed(tmp_path: Path, text: str) -> None:
    with pytest.raises(MalformedXmlError) as info:
        parse_untrusted(write(tmp_path, text))
    assert info.value.detail


def test_missing_file_is_malformed(tmp_path: Path) -> None:
    with pytest.raises(MalformedXmlError):
        parse_untrusted(tmp_path / "absent.xml")


def test_oversized_prolog_is_refused(tmp_path: Path) -> None:
    text = "<!--" + "x" * (PROLOG_LIMIT + 10) + "-->\n<x/>"
    with pytest.raises(UnsafeXmlError) as info:
        parse_untrusted(write(tmp_path, text))
    assert info.value.reason == "prolog"
