"""An incremental XML writer: element by element to a binary stream, so no document tree is held in memory.

The METS, PREMIS and EAD of a package grow with the number of files; building them as lxml trees made the
export's memory grow with the package. :class:`XmlStream` writes the same bytes ``lxml`` writes for a tree
indented with ``etree.indent(root, space="  ")`` and serialised with ``pretty_print=True`` (two-space
indentation, ``<a/>`` for an element without text or children, ``<a></a>`` for empty text, mixed content
kept on the parent's line), with libxml2's escaping. Tags and attribute names are given as they appear in
the output (``"file"``, ``"premis:object"``, ``"xlink:href"``); namespace declarations are ordinary
``xmlns``/``xmlns:p`` attributes of the root. Like lxml, text with characters XML 1.0 cannot hold (NUL and
other control characters) raises ``ValueError``. Pure module: no Django import.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import IO

__all__ = ["DECLARATION", "Attrs", "Leaf", "XmlStream"]

DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
# One search tells whether a value needs any work (escaping or the forbidden-character error): most do not.
_TEXT_SPECIAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f&<>\r]")
_ATTR_SPECIAL = re.compile('[\x00-\x08\x0b\x0c\x0e-\x1f&<>"\n\r\t]')
_TEXT_TABLE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_ATTR_TABLE = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}
)
_FLUSH_PARTS = 4096
_FLUSH_FRAGMENT_CHARS = 64 * 1024  # fragments and elements are a kilobyte or so: flush by size too

Attrs = Iterable[tuple[str, str]]
Leaf = tuple[str, str | None, Attrs]  # (tag, text or None for <tag/>, attributes)


def _checked(value: str) -> str:
    if _FORBIDDEN.search(value):
        raise ValueError("All strings must be XML compatible: Unicode or ASCII, no NULL bytes or control characters")
    return value


def escape_text(value: str) -> str:
    """Escape character data as libxml2 does (``&``, ``<``, ``>``, CR)."""
    return _checked(value).translate(_TEXT_TABLE) if _TEXT_SPECIAL.search(value) else value


def escape_attr(value: str) -> str:
    """Escape an attribute value as libxml2 does (also ``"``, LF, CR and TAB as character references)."""
    return _checked(value).translate(_ATTR_TABLE) if _ATTR_SPECIAL.search(value) else value


def _attrs(attrs: Attrs) -> str:
    return "".join([f' {name}="{escape_attr(value)}"' for name, value in attrs])


class XmlStream:
    """Write one indented XML document to ``out`` (a binary stream), buffering a few thousand pieces at most.

    Usage: :meth:`start` an element, add :meth:`leaf` children or nested elements, :meth:`end` it;
    :meth:`close` after the root element flushes the rest. Memory stays flat however many elements are
    written.
    """

    def __init__(self, out: IO[bytes]) -> None:
        self._out = out
        self._parts: list[str] = [DECLARATION]
        self._stack: list[str] = []
        self._has_children: list[bool] = []
        self._mixed: list[bool] = []
        self._indents: list[str] = ["\n"]  # "\n" + two spaces per level, by depth
        self._fragment_chars = 0  # text of the fragments buffered since the last flush

    def _indent(self, depth: int) -> str:
        """A line break and ``depth`` levels of two-space indentation (built once per depth)."""
        while len(self._indents) <= depth:
            self._indents.append("\n" + "  " * len(self._indents))
        return self._indents[depth]

    def _child(self) -> str:
        """What places the next child of the open element: a new indented line, or "" after mixed text."""
        if not self._stack:
            return ""
        if self._mixed[-1] and not self._has_children[-1]:
            self._has_children[-1] = True
            return ""
        self._has_children[-1] = True
        return self._indent(len(self._stack))

    def start(self, tag: str, attrs: Attrs = (), text: str | None = None) -> None:
        """Open an element; ``text`` that is not only whitespace stays before its first child (mixed content)."""
        place = self._child()
        mixed = bool(text and text.strip())
        self._parts.append(f"{place}<{tag}{_attrs(attrs)}>" + (escape_text(text) if mixed and text else ""))
        self._stack.append(tag)
        self._has_children.append(False)
        self._mixed.append(mixed)

    def end(self) -> None:
        """Close the innermost open element."""
        tag = self._stack.pop()
        had_children = self._has_children.pop()
        mixed = self._mixed.pop()
        if had_children:
            self._parts.append(f"{self._indent(len(self._stack))}</{tag}>")
        elif mixed:  # only text after all
            self._parts.append(f"</{tag}>")
        else:  # nothing inside: lxml writes <tag/>
            self._parts[-1] = self._parts[-1][:-1] + "/>"
        self._flush_if_full()

    def leaf(self, tag: str, text: str | None = None, attrs: Attrs = ()) -> None:
        """Write an element without children: ``<tag/>`` when ``text`` is None, else ``<tag>text</tag>``."""
        place = self._child()
        if text is None:
            self._parts.append(f"{place}<{tag}{_attrs(attrs)}/>")
        else:
            self._parts.append(f"{place}<{tag}{_attrs(attrs)}>{escape_text(text)}</{tag}>")
        self._flush_if_full()

    def element(self, tag: str, attrs: Attrs = (), leaves: Iterable[Leaf] = ()) -> None:
        """Write an element whose children are all leaves, in one piece (the common case, at a third of the calls).

        The bytes are those of :meth:`start`, a :meth:`leaf` per ``(tag, text, attrs)`` and :meth:`end`
        (``<tag/>`` when there are no leaves).
        """
        place = self._child()
        depth = len(self._stack)
        inner = self._indent(depth + 1)
        body = "".join(
            [
                f"{inner}<{name}{_attrs(a)}/>"
                if text is None
                else f"{inner}<{name}{_attrs(a)}>{escape_text(text)}</{name}>"
                for name, text, a in leaves
            ]
        )
        head = f"{place}<{tag}{_attrs(attrs)}"
        self._parts.append(f"{head}>{body}{self._indent(depth)}</{tag}>" if body else f"{head}/>")
        self._fragment_chars += len(body)  # a METS file entry is half a kilobyte: flush by size too (issue #5)
        self._flush_if_full()

    def indents(self, levels: int) -> tuple[str, ...]:
        """Line breaks with the indentation of the next child element and of ``levels - 1`` levels below it.

        ``indents(3)[0]`` places a child of the open element, ``[1]`` a grandchild, ``[2]`` one more level
        down: what :meth:`fragment` text uses to lay out its own nested elements.
        """
        depth = len(self._stack)
        return tuple(self._indent(depth + n) for n in range(levels))

    def fragment(self, text: str) -> None:
        """Write a complete, already escaped element as the next child of the open element, in one piece.

        ``text`` starts with the element's start tag (the line break before it is added here) and lays out
        its children with :meth:`indents`, so the bytes are those the element-by-element calls would write;
        the PREMIS and EAD writers use it for the elements they write once per file or document.
        """
        self._parts.append(self._child() + text)
        self._fragment_chars += len(text)
        self._flush_if_full()

    def _flush_if_full(self) -> None:
        """Flush once enough parts, or enough fragment text, are buffered."""
        if self._fragment_chars >= _FLUSH_FRAGMENT_CHARS or len(self._parts) >= _FLUSH_PARTS:
            self.flush()

    def flush(self) -> None:
        """Encode and write what is buffered."""
        self._out.write("".join(self._parts).encode("utf-8"))
        self._parts.clear()
        self._fragment_chars = 0

    def close(self) -> None:
        """Finish the document (every element must be closed) and flush it.

        Raises:
            ValueError: An element is still open.
        """
        if self._stack:
            raise ValueError(f"element {self._stack[-1]!r} is still open")
        self._parts.append("\n")
        self.flush()
