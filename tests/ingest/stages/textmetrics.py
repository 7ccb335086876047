"""Character error rate as measured in toolnotes §1: NFC, whitespace collapsed, Levenshtein."""

from __future__ import annotations

from rapidfuzz.distance import Levenshtein

from kho.core.text import clean


def cer(recognised: str, truth: str) -> float:
    """Edit distance between the NFC, whitespace-collapsed texts, divided by the truth's length."""
    hyp, ref = clean(recognised), clean(truth)
    return Levenshtein.distance(hyp, ref) / max(1, len(ref))


def best_cer(recognised: str, truths: list[str]) -> float:
    """The lowest CER over several acceptable reading orders of the same page."""
    return min(cer(recognised, truth) for truth in truths)
