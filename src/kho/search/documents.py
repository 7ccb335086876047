"""What is indexed for a document: the one place that decides which text enters the full-text tables.

Per document the index holds its number/symbol (also as normalised terms, ``64-CV/TW`` -> ``64 cv tw``),
its type name, subject (trích yếu), issuing organ, signer, the title of its record, and the text of its
latest ``text`` digital object (OCR or extracted text, UTF-8, at most :data:`TEXT_CAP_BYTES`).

Classified documents (rule of the security issue: no shared full-text table holds classified
plaintext): when the document's own secrecy level or its record's is above 0, ONLY the number/symbol
and the type name are indexed. Subject, organ, signer, record title and text are left out, so a
classified document can be found by its number or type, never by its content; :func:`should_index_text`
is the hook that decides this. Reclassifying a document or its record re-indexes it (signals).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, replace

from kho.core.codetables import DOC_TYPE
from kho.core.text import clean, fold_vi
from kho.records.choices import ObjectRole
from kho.records.models import DigitalObject, Document
from kho.search.terms import symbol_terms
from kho.storage.cas import ObjectMissingError
from kho.storage.store import open_blob

__all__ = ["TEXT_CAP_BYTES", "IndexEntry", "entry_for", "load_entries", "read_text", "should_index_text"]

logger = logging.getLogger(__name__)

TEXT_CAP_BYTES = 200 * 1024


@dataclass(frozen=True, slots=True)
class IndexEntry:
    """The NFC text indexed for one document (empty strings for what is not indexed) and filter keys."""

    document_id: int
    type_code: str = ""
    year: int | None = None
    fonds_id: int | None = None
    number_symbol: str = ""
    type_name: str = ""
    subject: str = ""
    organ_name: str = ""
    signer: str = ""
    record_title: str = ""
    body: str = ""

    @property
    def symbol_terms(self) -> str:
        """The number/symbol as folded terms (``64 cv tw``)."""
        return symbol_terms(self.number_symbol)

    @property
    def title(self) -> str:
        """Type name and subject: what the document is."""
        return f"{self.type_name} {self.subject}".strip()

    @property
    def meta(self) -> str:
        """Who issued and signed it, and the record it is filed in."""
        return " ".join(part for part in (self.organ_name, self.signer, self.record_title) if part)


def should_index_text(document: Document) -> bool:
    """Whether the content of ``document`` may enter the shared full-text tables (it is not classified).

    The record's level counts as well as the document's own (a document in a secret record is secret).
    ``document.record`` should be loaded with ``select_related`` when called in a loop.
    """
    return max(document.secrecy_level, document.record.secrecy_level) == 0


def type_name_of(document: Document) -> str:
    """The type name from the code table, plus the verbatim name when it says something else."""
    names = [DOC_TYPE.get(document.type_code, ""), clean(document.type_name)]
    if names[1] and fold_vi(names[1]) == fold_vi(names[0]):
        names.pop()
    return " ".join(name for name in names if name)


def entry_for(document: Document, text: str = "") -> IndexEntry:
    """The entry of ``document`` (its record loaded) with ``text`` as its body, applying the classified rule."""
    entry = IndexEntry(
        document.pk,
        type_code=document.type_code,
        year=document.issued_date.year if document.issued_date else None,
        fonds_id=document.record.fonds_id,
        number_symbol=clean(document.number_symbol),
        type_name=type_name_of(document),
    )
    if not should_index_text(document):
        return entry
    return replace(
        entry,
        subject=clean(document.subject),
        organ_name=clean(document.organ_name),
        signer=clean(document.signer),
        record_title=clean(document.record.title),
        body=clean(text),
    )


def read_text(digest: str, cap: int = TEXT_CAP_BYTES) -> str:
    """The first ``cap`` bytes of a stored UTF-8 text as a string (a character cut at the end is dropped)."""
    chunks, size = [], 0
    with open_blob(digest) as stream:
        while size < cap and (chunk := stream.read(cap - size)):
            chunks.append(chunk)
            size += len(chunk)
    data = b"".join(chunks)
    text = data.decode("utf-8", errors="replace")
    return text[:-1] if size >= cap and text.endswith("\ufffd") else text


def _text_digests(document_ids: list[int]) -> dict[int, str]:
    """The digest of the latest ``text`` object of each document that has one."""
    rows = (
        DigitalObject.objects.filter(document_id__in=document_ids, role=ObjectRole.TEXT)
        .order_by("document_id", "id")
        .values_list("document_id", "blob__digest")
    )
    return dict(rows)


def load_entries(document_ids: Iterable[int]) -> tuple[list[IndexEntry], set[int]]:
    """Entries of the listed documents that exist, and the listed ids that no longer exist.

    Text is read only for documents whose content may be indexed; a missing text object is logged and
    the document is indexed without its text (``kho fixity`` reports the missing object).
    """
    wanted = sorted(set(document_ids))
    documents = Document.objects.filter(pk__in=wanted).select_related("record").order_by("pk")
    readable = [doc for doc in documents if should_index_text(doc)]
    digests = _text_digests([doc.pk for doc in readable])
    entries = []
    for document in documents:
        text = ""
        if (digest := digests.get(document.pk)) and should_index_text(document):
            try:
                text = read_text(digest)
            except ObjectMissingError:
                logger.warning("search: text object %s of document %s is missing", digest, document.pk)
        entries.append(entry_for(document, text))
    return entries, set(wanted) - {entry.document_id for entry in entries}
