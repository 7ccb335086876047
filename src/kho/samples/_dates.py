"""Vietnamese date and number formats of administrative documents (standards.md §5)."""

from __future__ import annotations

import datetime as dt
import random

__all__ = ["body_date", "long_date", "pad_number", "place_date_line"]


def pad_number(number: int) -> str:
    """Format a document number: numbers below 10 are zero-padded ("05"), others unchanged."""
    return f"{number:02d}"


def long_date(date: dt.date) -> str:
    """Return "ngày 05 tháng 3 năm 2020": day < 10 and months 1-2 zero-padded (ND30)."""
    month = f"{date.month:02d}" if date.month <= 2 else str(date.month)
    return f"ngày {date.day:02d} tháng {month} năm {date.year}"


def place_date_line(place: str, date: dt.date) -> str:
    """Return the place-date line, e.g. "Quảng Ninh, ngày 05 tháng 3 năm 2025"."""
    return f"{place}, {long_date(date)}"


def body_date(date: dt.date, system: str, rng: random.Random) -> str:
    """Return a date as cited in running text.

    State documents mostly write the long form; Party documents write "ngày 10/4/2025" or
    "ngày 10-4-2025" (standards.md §5 "In their body text, Party documents cite dates as …").
    """
    if system == "party":
        sep = rng.choice(("/", "-"))
        return f"ngày {date.day}{sep}{date.month}{sep}{date.year}"
    if rng.random() < 0.8:
        return long_date(date)
    return f"ngày {date.day:02d}/{date.month:02d}/{date.year}"
