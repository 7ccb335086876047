"""identify(): magic-byte detection, page counting, natural order and every refusal."""

from __future__ import annotations

import pickle
import struct
import unicodedata
import zlib
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from kho.ingest.stages import DigitizeOptions, DocContext, SourceFormat, identify
from kho.ingest.stages.errors import (
    CorruptFileError,
    DecompressionBombError,
    DigitizeError,
    EmptyFileError,
    EncryptedPdfError,
    FileTooLargeError,
    MixedInputError,
    NoPagesError,
    SignedPdfError,
    TooManyPagesError,
    UnsupportedFormatError,
)
from kho.ingest.stages.identify import natural_key

from .conftest import SCANS
from .pagegen import make_page


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def bomb_png(path: Path, width: int = 40_000, height: int = 40_000) -> Path:
    """A ~60-byte PNG whose IHDR declares ``width`` x ``height`` RGB pixels."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 16)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", idat) + _png_chunk(b"IEND", b"")
    )
    return path


def image_pdf(path: Path, pages: int = 1) -> Path:
    """An image-only PDF (no text), made with pikepdf."""
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=(595, 842))
    pdf.save(path)
    return path


def text_pdf(path: Path) -> Path:
    """A born-digital PDF: one page of text in a standard font, no image."""
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(595, 842))
    font = pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)
    )
    page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    page.obj.Contents = pdf.make_stream(b"BT /F1 24 Tf 72 700 Td (Born digital text) Tj ET")
    pdf.save(path)
    return path


class TestFormats:
    def test_png_page(self, scan: Callable[..., Path], ctx: DocContext) -> None:
        src = identify([scan("a.png")], ctx)
        assert src.format is SourceFormat.PNG
        assert src.page_count == 1
        assert not src.is_pdf

    def test_format_comes_from_content_not_name(self, scan: Callable[..., Path], ctx: DocContext) -> None:
        jpeg = scan("page.jpg")
        disguised = jpeg.with_name("page.png")
        jpeg.rename(disguised)
        assert identify([disguised], ctx).format is SourceFormat.JPEG

    def test_multipage_tiff_counts_frames(self, tmp_path: Path, ctx: DocContext) -> None:
        frames = [make_page(200, lines=(f"Trang {n}",)) for n in range(3)]
        path = tmp_path / "scan.tif"
        frames[0].save(path, save_all=True, append_images=frames[1:], dpi=(200, 200), compression="tiff_lzw")
        src = identify([path], ctx)
        assert src.format is SourceFormat.TIFF
        assert [p.index for p in src.pages] == [0, 1, 2]

    def test_image_only_pdf(self, tmp_path: Path, ctx: DocContext) -> None:
        src = identify([image_pdf(tmp_path / "scan.pdf", pages=2)], ctx)
        assert src.is_pdf and src.page_count == 2
        assert not src.has_text and not src.born_digital and not src.signed

    def test_born_digital_pdf_is_flagged_not_refused(self, tmp_path: Path, ctx: DocContext) -> None:
        src = identify([text_pdf(tmp_path / "digital.pdf")], ctx)
        assert src.has_text and src.born_digital


class TestFolders:
    def test_natural_order(self, tmp_path: Path, ctx: DocContext) -> None:
        folder = tmp_path / "hoso"
        folder.mkdir()
        for n in (10, 2, 1, 33, 3):
            make_page(200, blank=True, size_mm=(50, 50)).save(folder / f"page{n}.png", dpi=(200, 200))
        (folder / ".DS_Store").write_bytes(b"junk")
        (folder / "Thumbs.db").write_bytes(b"junk")
        src = identify([folder], ctx)
        assert [p.path.name for p in src.pages] == ["page1.png", "page2.png", "page3.png", "page10.png", "page33.png"]

    def test_empty_folder(self, tmp_path: Path, ctx: DocContext) -> None:
        (tmp_path / "empty").mkdir()
        with pytest.raises(NoPagesError):
            identify([tmp_path / "empty"], ctx)

    def test_nested_folder_refused(self, tmp_path: Path, ctx: DocContext) -> None:
        (tmp_path / "outer" / "inner").mkdir(parents=True)
        with pytest.raises(MixedInputError):
            identify([tmp_path / "outer"], ctx)

    def test_pdf_with_images_refused(self, tmp_path: Path, scan: Callable[..., Path], ctx: DocContext) -> None:
        with pytest.raises(MixedInputError):
            identify([image_pdf(tmp_path / "a.pdf"), scan("b.png")], ctx)

    def test_no_paths(self, ctx: DocContext) -> None:
        with pytest.raises(NoPagesError):
            identify([], ctx)


class TestRefusals:
    def test_zero_byte_file(self, tmp_path: Path, ctx: DocContext) -> None:
        empty = tmp_path / "empty.png"
        empty.touch()
        with pytest.raises(EmptyFileError) as info:
            identify([empty], ctx)
        assert info.value.code == "empty_file"
        assert "empty.png" in str(info.value)

    def test_unknown_format(self, tmp_path: Path, ctx: DocContext) -> None:
        doc = tmp_path / "note.docx"
        doc.write_bytes(b"PK\x03\x04 this is a zip, not a scan")
        with pytest.raises(UnsupportedFormatError):
            identify([doc], ctx)

    def test_corrupt_png(self, scan: Callable[..., Path], ctx: DocContext) -> None:
        path = scan("broken.png")
        data = bytearray(path.read_bytes())
        data[40:60] = b"\x00" * 20  # damage the IDAT chunk: CRC no longer matches
        path.write_bytes(bytes(data))
        with pytest.raises(CorruptFileError):
            identify([path], ctx)

    def test_corrupt_pdf(self, tmp_path: Path, ctx: DocContext) -> None:
        path = tmp_path / "broken.pdf"
        path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\nthis is not a PDF body at all\n")
        with pytest.raises(CorruptFileError):
            identify([path], ctx)

    def test_encrypted_pdf(self, tmp_path: Path, ctx: DocContext) -> None:
        path = image_pdf(tmp_path / "plain.pdf")
        with pikepdf.open(path) as pdf:
            pdf.save(tmp_path / "locked.pdf", encryption=pikepdf.Encryption(user="mật khẩu", owner="chủ"))
        with pytest.raises(EncryptedPdfError):
            identify([tmp_path / "locked.pdf"], ctx)

    def test_encrypted_pdf_with_empty_user_password(self, tmp_path: Path, ctx: DocContext) -> None:
        path = image_pdf(tmp_path / "plain.pdf")
        with pikepdf.open(path) as pdf:
            pdf.save(tmp_path / "drm.pdf", encryption=pikepdf.Encryption(user="", owner="chủ"))
        with pytest.raises(EncryptedPdfError):
            identify([tmp_path / "drm.pdf"], ctx)

    def test_decompression_bomb_refused_before_decoding(self, tmp_path: Path, ctx: DocContext) -> None:
        path = bomb_png(tmp_path / "bomb.png")
        assert path.stat().st_size < 100
        with pytest.raises(DecompressionBombError) as info:
            identify([path], ctx)
        assert info.value.params["width"] == 40_000

    def test_bomb_in_a_tiff_frame(self, tmp_path: Path) -> None:
        path = tmp_path / "big.tif"
        Image.new("1", (4000, 3000)).save(path, compression="group4")
        tight = DocContext(tmp_path / "w", DigitizeOptions(max_pixels=10_000_000))
        with pytest.raises(DecompressionBombError):
            identify([path], tight)

    def test_too_many_pages(self, tmp_path: Path) -> None:
        few = DocContext(tmp_path / "w", DigitizeOptions(max_pages=2))
        with pytest.raises(TooManyPagesError):
            identify([image_pdf(tmp_path / "long.pdf", pages=3)], few)

    def test_too_many_pages_across_images(self, scan: Callable[..., Path], tmp_path: Path) -> None:
        few = DocContext(tmp_path / "w", DigitizeOptions(max_pages=2))
        pages = [scan(f"p{n}.png", size_mm=(40, 40)) for n in range(3)]
        with pytest.raises(TooManyPagesError):
            identify(pages, few)

    def test_oversized_file(self, scan: Callable[..., Path], tmp_path: Path) -> None:
        small = DocContext(tmp_path / "w", DigitizeOptions(max_file_bytes=1000))
        with pytest.raises(FileTooLargeError):
            identify([scan("big.png")], small)


class TestErrorsAndOptions:
    def test_errors_pickle_with_params(self) -> None:
        error = FileTooLargeError(name="hồ sơ.pdf", size=10, limit=5)
        copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes
        assert type(copy) is FileTooLargeError
        assert copy.params == error.params
        assert str(copy) == str(error)

    @pytest.mark.parametrize("cls", DigitizeError.__subclasses__())
    def test_every_error_is_documented(self, cls: type[DigitizeError]) -> None:
        assert cls.__doc__
        assert cls.code != DigitizeError.code
        assert cls.__name__.endswith("Error")

    def test_options_and_context_pickle(self, tmp_path: Path) -> None:
        ctx = DocContext(tmp_path, DigitizeOptions(expected_sheets=3))
        assert pickle.loads(pickle.dumps(ctx)) == ctx  # noqa: S301 - our own bytes

    def test_options_refuse_disabled_checks(self) -> None:
        with pytest.raises(ValueError, match="positive"):
            DigitizeOptions(min_dpi=0)

    def test_work_path_refuses_directories(self, ctx: DocContext) -> None:
        with pytest.raises(ValueError, match="plain name"):
            ctx.work_path("../escape.pdf")


@given(st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=30, unique=True))
def test_natural_key_orders_numbers_numerically(numbers: list[int]) -> None:
    paths = [Path(f"trang{n}.png") for n in numbers]
    assert [int(p.stem[5:]) for p in sorted(paths, key=natural_key)] == sorted(numbers)


@given(st.text(alphabet="aăâđeêoôơuưyAĂĐÊÔƠƯ ̣̀́̉̃0123456789-_", min_size=1, max_size=20))
def test_natural_key_ignores_unicode_normal_form(name: str) -> None:
    nfc, nfd = unicodedata.normalize("NFC", name), unicodedata.normalize("NFD", name)
    assert natural_key(Path(nfc))[:-1] == natural_key(Path(nfd))[:-1]


class TestRealScans:
    """The Đà Nẵng administrative scans of ../shared/testdata/vn-admin-scans (README there)."""

    @pytest.fixture(autouse=True)
    def _need_scans(self) -> None:
        if not (SCANS / "1.pdf").exists():
            pytest.skip("vn-admin-scans test data not found")

    def test_scan_with_a_poor_ocr_layer_is_not_born_digital(self, ctx: DocContext) -> None:
        src = identify([SCANS / "1.pdf"], ctx)
        assert (src.page_count, src.has_text, src.born_digital, src.signed) == (2, True, False, False)

    def test_scan_without_text(self, ctx: DocContext) -> None:
        src = identify([SCANS / "2.pdf"], ctx)
        assert (src.page_count, src.has_text, src.born_digital) == (2, False, False)

    def test_protected_signed_copy_is_kept_as_signed(self, ctx: DocContext) -> None:
        with pytest.raises(SignedPdfError):
            identify([SCANS / "3.pdf"], ctx)
