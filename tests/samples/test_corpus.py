"""generate_corpus: deterministic truth and pixels, manifest, dpi recorded in every format."""

from __future__ import annotations

import csv
import hashlib
import json

import pikepdf
import pytest
from PIL import Image

from kho.samples import MILD, DocumentSpec, a4_size, generate_corpus


def _pixels(path) -> list[str]:
    digests = []
    with Image.open(path) as img:
        for frame in range(getattr(img, "n_frames", 1)):
            img.seek(frame)
            digests.append(hashlib.sha256(img.convert("RGB").tobytes()).hexdigest())
    return digests


def test_same_seed_same_truth_bytes_and_pixels(tmp_path):
    first = generate_corpus(tmp_path / "a", 2, seed=11, dpis=(200,), degradations=MILD)
    second = generate_corpus(tmp_path / "b", 2, seed=11, dpis=(200,), degradations=MILD)
    for one, two in zip(first, second, strict=True):
        assert one.truth.read_bytes() == two.truth.read_bytes()
        assert [_pixels(p) for p in one.files] == [_pixels(p) for p in two.files]
    other = generate_corpus(tmp_path / "c", 1, seed=12, dpis=(200,), degradations=())
    assert other[0].truth.read_bytes() != first[0].truth.read_bytes()


def test_folder_layout_png_manifest_and_truth(tmp_path):
    docs = generate_corpus(tmp_path, 4, seed=3, dpis=(200, 300), degradations=())
    with (tmp_path / "manifest.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["path"] for r in rows] == [d.path.name for d in docs]
    assert [int(r["order"]) for r in rows] == [d.order for d in docs]
    assert docs[0].order == 1
    for doc, row in zip(docs, rows, strict=True):
        assert row["record_code"] == doc.record_code
        assert doc.record_code.startswith("H49.64.33.") and doc.path.name == f"{doc.record_code}.{doc.order}"
        assert doc.truth == doc.path / "truth.json"
        assert DocumentSpec.from_dict(json.loads(doc.truth.read_text(encoding="utf-8"))) == doc.spec
        assert [p.name for p in doc.files] == [f"page-{i}.png" for i in range(1, doc.spec.pages + 1)]
        for page in doc.files:
            with Image.open(page) as img:
                assert img.size == a4_size(doc.dpi)
                assert img.mode == "RGB"
                assert tuple(round(v) for v in img.info["dpi"]) == (doc.dpi, doc.dpi)


def test_file_layout_multipage_tiff(tmp_path):
    docs = generate_corpus(tmp_path, 2, seed=4, dpis=(200,), degradations=(), layout="file", fmt="tiff")
    for doc in docs:
        assert doc.path == doc.files[0] == tmp_path / f"{doc.record_code}.{doc.order}.tiff"
        assert doc.truth == tmp_path / f"{doc.record_code}.{doc.order}.truth.json"
        with Image.open(doc.path) as img:
            assert img.n_frames == doc.spec.pages
            assert img.size == a4_size(200)
            assert tuple(round(v) for v in img.info["dpi"]) == (200, 200)


def test_image_only_pdf_is_a4(tmp_path):
    (doc,) = generate_corpus(tmp_path, 1, seed=5, dpis=(200,), degradations=(), fmt="pdf")
    with pikepdf.open(doc.files[0]) as pdf:
        assert len(pdf.pages) == doc.spec.pages
        for page in pdf.pages:
            x0, y0, x1, y1 = (float(v) for v in page.mediabox)
            assert abs((x1 - x0) - 595.3) < 1.5 and abs((y1 - y0) - 841.9) < 1.5
            assert len(page.get_images()) == 1


def test_jpeg_pages_record_dpi(tmp_path):
    (doc,) = generate_corpus(tmp_path, 1, seed=6, dpis=(300,), degradations=(), fmt="jpeg")
    with Image.open(doc.files[0]) as img:
        assert img.format == "JPEG"
        assert img.info["dpi"] == (300, 300)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"layout": "file", "fmt": "png"}, "multi-page"),
        ({"fmt": "bmp"}, "fmt"),
        ({"layout": "zip"}, "layout"),
        ({"dpis": ()}, "dpis"),
    ],
)
def test_invalid_options(tmp_path, kwargs, message):
    with pytest.raises(ValueError, match=message):
        generate_corpus(tmp_path, 1, **kwargs)
