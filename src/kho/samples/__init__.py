"""Realistic sample scans of Vietnamese State and Party documents, generated from a seed.

Pure Python (Pillow, img2pdf, pikepdf; no Django). Nothing binary is committed: every page, truth
file and bad file is drawn at run time, deterministically from a seed.

Typical use::

    from kho.samples import generate_corpus
    docs = generate_corpus(Path("out"), count=20, seed=1)

See ``scripts/render_samples.py`` for the command line.
"""

from __future__ import annotations

from kho.samples.corpus import BAD_PDF_PASSWORD, SampleDocument, generate_corpus, make_bad_files
from kho.samples.degrade import DEGRADATIONS, MILD, PROFILES, degrade
from kho.samples.exceptions import FontNotFoundError, SamplesError
from kho.samples.render import a4_size, render_pages
from kho.samples.spec import DocumentSpec, random_spec

__all__ = [
    "BAD_PDF_PASSWORD",
    "DEGRADATIONS",
    "MILD",
    "PROFILES",
    "DocumentSpec",
    "FontNotFoundError",
    "SampleDocument",
    "SamplesError",
    "a4_size",
    "degrade",
    "generate_corpus",
    "make_bad_files",
    "random_spec",
    "render_pages",
]
