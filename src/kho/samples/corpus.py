"""Write a corpus of sample scans with their ground truth, and a set of deliberately bad files.

Layout of a corpus (``layout="folder"``)::

    OUT/manifest.csv                       path,record_code,order
    OUT/H49.64.33.2025.01.1/page-1.png     one image per page (png/jpeg) ...
    OUT/H49.64.33.2025.01.1/truth.json     DocumentSpec.to_json()
    OUT/H49.64.33.2025.01.2/H49.64.33.2025.01.2.pdf   ... or one multi-page file (tiff/pdf)

With ``layout="file"`` (tiff/pdf only) the files sit directly in OUT as ``<name>.pdf`` with
``<name>.truth.json`` beside them. Names follow TT05 ``<mã hồ sơ>.<số thứ tự>`` (standards.md §1, §2.5).
"""

from __future__ import annotations

import csv
import io
import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import img2pdf
import pikepdf
from PIL import Image

from kho.samples._random import seeded
from kho.samples.degrade import MILD, degrade, dust, gaussian_noise, grey_paper
from kho.samples.render import a4_size, render_pages
from kho.samples.spec import DocumentSpec, random_spec

__all__ = ["BAD_PDF_PASSWORD", "FORMATS", "LAYOUTS", "SampleDocument", "generate_corpus", "make_bad_files"]

FORMATS = ("png", "tiff", "jpeg", "pdf")
LAYOUTS = ("folder", "file")
_MULTI_PAGE = ("tiff", "pdf")
BAD_PDF_PASSWORD = "kho-test-password"  # noqa: S105 - a published test fixture, not a secret
BOMB_SIZE = (30000, 30000)


@dataclass(frozen=True, slots=True)
class SampleDocument:
    """One generated document.

    Attributes:
        spec: Ground truth.
        record_code: TT05 record code (fileCode) the document belongs to.
        order: 1-based position of the document in its record.
        dpi: Resolution the pages were rendered at.
        path: The document folder (layout "folder") or file (layout "file").
        files: Image files in page order (one file for tiff/pdf).
        truth: The ``truth.json`` file.
    """

    spec: DocumentSpec
    record_code: str
    order: int
    dpi: int
    path: Path
    files: tuple[Path, ...]
    truth: Path


def _check_options(count: int, dpis: Sequence[int], layout: str, fmt: str) -> None:
    if count < 0:
        msg = f"count must be >= 0, not {count}"
        raise ValueError(msg)
    if not dpis or any(d <= 0 for d in dpis):
        msg = f"dpis must be positive resolutions, not {list(dpis)}"
        raise ValueError(msg)
    if fmt not in FORMATS:
        msg = f"fmt must be one of {FORMATS}, not {fmt!r}"
        raise ValueError(msg)
    if layout not in LAYOUTS:
        msg = f"layout must be one of {LAYOUTS}, not {layout!r}"
        raise ValueError(msg)
    if layout == "file" and fmt not in _MULTI_PAGE:
        msg = f"layout 'file' needs a multi-page format {_MULTI_PAGE}, not {fmt!r}"
        raise ValueError(msg)


def _jpeg_bytes(page: Image.Image, dpi: int, quality: int = 90) -> bytes:
    buffer = io.BytesIO()
    page.save(buffer, format="JPEG", quality=quality, dpi=(dpi, dpi))
    return buffer.getvalue()


def _write_pages(pages: list[Image.Image], base: Path, name: str, fmt: str, dpi: int) -> tuple[Path, ...]:
    """Write pages as page-N.<ext> in ``base`` (png/jpeg) or one ``name``.<ext> file (tiff/pdf)."""
    if fmt == "png":
        paths = tuple(base / f"page-{i}.png" for i in range(1, len(pages) + 1))
        for page, path in zip(pages, paths, strict=True):
            page.save(path, format="PNG", dpi=(dpi, dpi), compress_level=1)
        return paths
    if fmt == "jpeg":
        paths = tuple(base / f"page-{i}.jpg" for i in range(1, len(pages) + 1))
        for page, path in zip(pages, paths, strict=True):
            path.write_bytes(_jpeg_bytes(page, dpi))
        return paths
    if fmt == "tiff":
        path = base / f"{name}.tiff"
        pages[0].save(
            path, format="TIFF", save_all=True, append_images=pages[1:], dpi=(dpi, dpi), compression="tiff_deflate"
        )
        return (path,)
    path = base / f"{name}.pdf"
    path.write_bytes(img2pdf.convert([_jpeg_bytes(p, dpi) for p in pages], nodate=True))
    return (path,)


def _write_manifest(out_dir: Path, docs: list[SampleDocument]) -> Path:
    path = out_dir / "manifest.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(("path", "record_code", "order"))
        for doc in docs:
            writer.writerow((doc.path.relative_to(out_dir).as_posix(), doc.record_code, doc.order))
    return path


def generate_corpus(
    out_dir: Path,
    count: int,
    seed: int = 0,
    dpis: Sequence[int] = (200, 300),
    degradations: Sequence[str] = MILD,
    layout: str = "folder",
    fmt: str = "png",
    agency_code: str = "H49.64.33",
) -> list[SampleDocument]:
    """Render ``count`` random documents into ``out_dir`` with ground truth and a manifest.

    Documents are grouped into records (hồ sơ) of 2-6 documents; the record code is
    ``<agency_code>.<year of its first document>.<record number, 2 digits>``.

    Args:
        out_dir: Output directory (created if missing; existing files of the same name are replaced).
        count: Number of documents.
        seed: Seed; the same seed gives the same truth files and the same pixels.
        dpis: Resolutions to draw from, one per document.
        degradations: Names from ``degrade.DEGRADATIONS`` applied to every page (``()`` = clean).
        layout: "folder" (a folder per document) or "file" (one file per document, tiff/pdf only).
        fmt: "png", "tiff", "jpeg" or "pdf" (image-only PDF built with img2pdf from JPEG pages).
        agency_code: Agency part of the record codes.

    Returns:
        The documents in generation order.

    Raises:
        ValueError: an invalid option.
        FontNotFoundError: no usable font is installed.
    """
    _check_options(count, dpis, layout, fmt)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = seeded(seed)
    docs: list[SampleDocument] = []
    record_no, order, record_size, record_code = 0, 0, 0, ""
    for _ in range(count):
        doc_rng = seeded(rng.getrandbits(64))
        spec = random_spec(doc_rng)
        if order == record_size:
            record_no, order, record_size = record_no + 1, 0, rng.randint(2, 6)
            record_code = f"{agency_code}.{spec.date.year}.{record_no:02d}"
        order += 1
        dpi = doc_rng.choice(list(dpis))
        pages = render_pages(spec, dpi, rng=seeded(doc_rng.getrandbits(64)))
        noise_rng = seeded(doc_rng.getrandbits(64))
        pages = [degrade(page, degradations, noise_rng) for page in pages]
        path, files, truth = _write_document(out_dir, f"{record_code}.{order}", spec, pages, layout, fmt, dpi)
        docs.append(SampleDocument(spec, record_code, order, dpi, path, files, truth))
    _write_manifest(out_dir, docs)
    return docs


def _write_document(
    out_dir: Path, name: str, spec: DocumentSpec, pages: list[Image.Image], layout: str, fmt: str, dpi: int
) -> tuple[Path, tuple[Path, ...], Path]:
    """Write the pages and truth.json of one document; return (document path, page files, truth file)."""
    if layout == "folder":
        base = out_dir / name
        base.mkdir(exist_ok=True)
        truth = base / "truth.json"
    else:
        base, truth = out_dir, out_dir / f"{name}.truth.json"
    files = _write_pages(pages, base, name, fmt, dpi)
    truth.write_text(spec.to_json(), encoding="utf-8")
    return (base if layout == "folder" else files[0]), files, truth


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _bomb_png(size: tuple[int, int]) -> bytes:
    """A valid 1-bit greyscale PNG of ``size`` pixels, all black, streamed row blocks (~110 KB)."""
    width, height = size
    row = bytes(1 + (width + 7) // 8)  # filter byte 0 + packed zero bits
    block = row * 1000
    packer = zlib.compressobj(9)
    data = b"".join(packer.compress(block) for _ in range(height // 1000))
    data += packer.compress(row * (height % 1000)) + packer.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    idat = b"".join(_png_chunk(b"IDAT", data[i : i + 65536]) for i in range(0, len(data), 65536))
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + idat + _png_chunk(b"IEND", b"")


def _encrypted_pdf(page: Image.Image, dpi: int, path: Path) -> None:
    plain = img2pdf.convert(_jpeg_bytes(page, dpi), nodate=True)
    with pikepdf.open(io.BytesIO(plain)) as pdf:
        encryption = pikepdf.Encryption(user=BAD_PDF_PASSWORD, owner=BAD_PDF_PASSWORD + "-owner", R=6)
        pdf.save(path, encryption=encryption)


def make_bad_files(out_dir: Path, seed: int = 0) -> dict[str, Path]:
    """Write one file of each kind an ingest pipeline must survive.

    Kinds: ``zero_byte`` (empty .png), ``truncated`` (a PNG cut in half), ``garbage`` (random bytes
    named .jpg), ``encrypted_pdf`` (AES-256, user password :data:`BAD_PDF_PASSWORD`), ``bomb`` (a
    ~110 KB PNG declaring 30000 × 30000 px; Pillow raises ``DecompressionBombError``), ``low_dpi``
    (100 dpi, below the 200 dpi minimum), ``greyscale`` (8-bit L, not 24-bit colour) and ``blank``
    (a scanned empty page: grey paper, noise, dust).

    Args:
        out_dir: Output directory (created if missing).
        seed: Seed for the page content and the garbage bytes.

    Returns:
        Kind -> path.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = seeded(seed)
    spec = random_spec(seeded(rng.getrandbits(64)))
    page = render_pages(spec, 200)[0]
    paths = {
        "zero_byte": out_dir / "zero-byte.png",
        "truncated": out_dir / "truncated.png",
        "garbage": out_dir / "garbage.jpg",
        "encrypted_pdf": out_dir / "encrypted.pdf",
        "bomb": out_dir / "bomb.png",
        "low_dpi": out_dir / "low-dpi-100.png",
        "greyscale": out_dir / "greyscale.png",
        "blank": out_dir / "blank.png",
    }
    paths["zero_byte"].write_bytes(b"")
    buffer = io.BytesIO()
    page.save(buffer, format="PNG", dpi=(200, 200))
    paths["truncated"].write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])
    paths["garbage"].write_bytes(rng.randbytes(8192))
    _encrypted_pdf(page, 200, paths["encrypted_pdf"])
    paths["bomb"].write_bytes(_bomb_png(BOMB_SIZE))
    render_pages(spec, 100)[0].save(paths["low_dpi"], dpi=(100, 100))
    page.convert("L").save(paths["greyscale"], dpi=(200, 200))
    blank = Image.new("RGB", a4_size(200), "white")
    blank = gaussian_noise(dust(grey_paper(blank, rng), rng, density=0.3), 6.0, rng)
    blank.save(paths["blank"], dpi=(200, 200))
    return paths
