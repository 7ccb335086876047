"""``XmlStream.element`` writes the same bytes as ``start`` + ``leaf``… + ``end`` (property test)."""

from __future__ import annotations

import io
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kho.packages.formats._xmlstream import Leaf, XmlStream

_CHARS = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"))  # XML 1.0 cannot hold control characters
_TEXT = st.one_of(st.none(), st.text(_CHARS | st.sampled_from('&<>\r\n\t"'), max_size=12))
_NAME = st.sampled_from(["p", "premis:size", "corpname"])
_ATTRS = st.lists(
    st.tuples(st.sampled_from(["type", "xlink:href"]), st.text(_CHARS | st.sampled_from('&<>\r\n\t"'), max_size=6)),
    max_size=2,
)
_LEAVES = st.lists(st.tuples(_NAME, _TEXT, _ATTRS.map(tuple)), max_size=3)


def _write(leaves: list[Leaf], *, one_piece: bool, parent_text: str | None) -> bytes:
    out = io.BytesIO()
    w = XmlStream(out)
    w.start("root")
    w.start("parent", (), parent_text)  # mixed text before the first child changes where it goes
    if one_piece:
        w.element("odd", (("type", "x&y"),), leaves)
    else:
        w.start("odd", (("type", "x&y"),))
        for tag, text, attrs in leaves:
            w.leaf(tag, text, attrs)
        w.end()
    w.leaf("after", "1")
    w.end()
    w.end()
    w.close()
    return out.getvalue()


@given(leaves=_LEAVES, parent_text=st.sampled_from([None, "", "  ", "văn bản"]))
def test_element_equals_start_leaves_end(leaves: list[Leaf], parent_text: str | None) -> None:
    assert _write(leaves, one_piece=True, parent_text=parent_text) == _write(
        leaves, one_piece=False, parent_text=parent_text
    )


def test_element_examples() -> None:
    one = _write([("p", "", ()), ("q", None, (("a", '"'),))], one_piece=True, parent_text=None).decode()
    assert '    <odd type="x&amp;y">\n      <p></p>\n      <q a="&quot;"/>\n    </odd>' in one
    empty = _write([], one_piece=True, parent_text=None).decode()
    assert '<odd type="x&amp;y"/>' in empty
    nfd = unicodedata.normalize("NFD", "Hồ sơ")
    assert nfd in _write([("p", nfd, ())], one_piece=True, parent_text=None).decode()  # written as given


def test_element_refuses_control_characters() -> None:
    with pytest.raises(ValueError, match="XML compatible"):
        XmlStream(io.BytesIO()).element("odd", (), (("p", "a\x01b", ()),))
    with pytest.raises(ValueError, match="XML compatible"):
        XmlStream(io.BytesIO()).element("odd", (("type", "\x02"),))
