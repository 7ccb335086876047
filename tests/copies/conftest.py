"""Copies fixtures: the web ``world`` plus a security officer, an administrator and a cleared reader.

Also small PDF builders (real pages with text, any rotation) for the pure watermark tests.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pikepdf
import pytest
from django.test import Client
from reportlab.pdfgen.canvas import Canvas

from kho.api.actions import CreateTokenAction
from kho.core.codetables import SecrecyLevel
from tests.access.helpers import user as make_user
from tests.web.conftest import (  # noqa: F401 - fixtures
    PASSWORD,
    World,
    _fresh_cache,
    client_for,
    flushable_audit,
    world,
)


def text_pdf(pages: int = 2, *, rotations: tuple[int, ...] = (), size: tuple[float, float] = (595, 842)) -> bytes:
    """A PDF of ``pages`` pages with body text; page ``i`` gets ``/Rotate rotations[i]`` when given."""
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=size)
    for number in range(1, pages + 1):
        canvas.setFont("Helvetica", 14)
        canvas.drawString(72, size[1] - 120, f"Body of page {number}")
        canvas.showPage()
    canvas.save()
    if not rotations:
        return out.getvalue()
    pdf = pikepdf.open(io.BytesIO(out.getvalue()))
    for page, rotate in zip(pdf.pages, rotations, strict=False):
        page.obj.Rotate = rotate
    rotated = io.BytesIO()
    pdf.save(rotated)
    return rotated.getvalue()


@pytest.fixture
def staff(world: World) -> World:  # noqa: F811 - the imported fixture, requested by name
    """``world`` with ``officer`` (security officer), ``admin`` and ``cleared`` (a reader cleared to MẬT)."""
    district = world.agencies["district"]
    world.users.update(
        {
            "officer": make_user("officer", role="security_officer", clearance=SecrecyLevel.MAT, all_agencies=True),
            "admin": make_user("admin", role="admin", all_agencies=True),
            "cleared": make_user(
                "cleared", role="reader", clearance=SecrecyLevel.MAT, agencies=[district], first_name="Trần Thị"
            ),
        }
    )
    for name in ("officer", "admin", "cleared"):
        world.users[name].set_password(PASSWORD)
        world.users[name].save()
    return world


@pytest.fixture
def api_for(staff: World) -> Callable[[str], Client]:
    """``api_for("cleared")``: a client sending a fresh bearer token of that user of ``world``."""

    def make(name: str) -> Client:
        token = CreateTokenAction(name, "test").execute().token
        return Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    return make


def pdf_text(data: bytes) -> list[str]:
    """The text of each page (pypdfium2), for checking the mark."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        return [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    finally:
        pdf.close()


def as_bytes(response: Any) -> bytes:
    """The body of a plain or streaming response."""
    return b"".join(response.streaming_content) if response.streaming else response.content
