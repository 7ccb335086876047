"""The hash chain of the event log, as pure functions.

Each event's hash is ``sha256:<hex>`` of the canonical JSON of its fields and the previous event's hash,
so editing, removing or reordering any stored event changes every hash after it. Pure module.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

GENESIS_HASH = "sha256:" + "0" * 64

CHAINED_FIELDS = (
    "seq",
    "uid",
    "event_type",
    "outcome",
    "agent",
    "object_type",
    "object_id",
    "detail",
    "data",
    "occurred_at",
    "prev_hash",
)


def canonical_json(value: Any) -> str:
    """Serialise ``value`` deterministically: sorted keys, no spaces, UTF-8 kept as is."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def event_hash(fields: Mapping[str, Any]) -> str:
    """Hash the chained fields of one event; ``fields`` must hold every name in ``CHAINED_FIELDS``."""
    body = canonical_json({name: fields[name] for name in CHAINED_FIELDS})
    return "sha256:" + hashlib.sha256(body.encode("utf-8")).hexdigest()
