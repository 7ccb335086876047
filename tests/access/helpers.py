"""Builders for access tests: users with profiles, documents at a secrecy level, digital objects."""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model

from kho.access.models import AccessProfile
from kho.agencies.models import Agency
from kho.core.codetables import SecrecyLevel
from kho.records.models import DigitalObject, Document, Fonds, Record
from kho.storage.models import Blob

_seq = itertools.count(1)


def user(
    username: str | None = None,
    role: str | None = None,
    clearance: SecrecyLevel = SecrecyLevel.NONE,
    agencies: Iterable[Agency] = (),
    fonds: Iterable[Fonds] = (),
    all_agencies: bool = False,
    **fields: Any,
) -> Any:
    """A user; with ``role`` also an access profile. Returned fresh from the database (no cached subject)."""
    name = username or f"u{next(_seq)}"
    account = get_user_model().objects.create_user(username=name, password=None, **fields)
    if role is not None:
        profile = AccessProfile.objects.create(
            user=account, role=role, clearance=int(clearance), all_agencies=all_agencies
        )
        profile.agencies.set(list(agencies))
        profile.fonds.set(list(fonds))
    return get_user_model().objects.get(pk=account.pk)


def document(in_record: Record, level: SecrecyLevel = SecrecyLevel.NONE, **fields: Any) -> Document:
    """A document at ``level`` in ``in_record`` (next ordinal)."""
    n = next(_seq)
    return Document.objects.create(
        record=in_record,
        ordinal=in_record.documents.count() + 1,
        doc_id=f"D{n}",
        doc_code=f"{in_record.file_code}.{n:04d}",
        secrecy_level=int(level),
        **fields,
    )


def digital_object(of: Document, role: str = "access") -> DigitalObject:
    """A file of ``of`` backed by a (fake) blob row."""
    digest = "sha256:" + hashlib.sha256(f"{of.doc_code}-{next(_seq)}".encode()).hexdigest()
    blob = Blob.objects.create(digest=digest, size=1, storage_key=digest[7:])
    return DigitalObject.objects.create(
        document=of, blob=blob, role=role, media_type="application/pdf", filename=f"{of.doc_code}.pdf"
    )
