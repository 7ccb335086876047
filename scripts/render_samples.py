#!/usr/bin/env python3
"""Render realistic sample scans of Vietnamese State and Party documents with their ground truth.

Example::

    python scripts/render_samples.py /tmp/samples --count 20 --seed 7 --dpi 200 --dpi 300 \
        --format pdf --degrade mild --bad
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from kho.samples import PROFILES, SamplesError, generate_corpus, make_bad_files
from kho.samples.corpus import FORMATS, LAYOUTS


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path, metavar="OUT", help="output directory")
    parser.add_argument("--count", type=int, default=10, help="number of documents (default 10)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument(
        "--dpi", type=int, action="append", dest="dpis", help="resolution; repeat for a mix (default 200 and 300)"
    )
    parser.add_argument("--format", choices=FORMATS, default="png", dest="fmt", help="image format (default png)")
    parser.add_argument("--layout", choices=LAYOUTS, default="folder", help="folder per document or one file")
    parser.add_argument("--degrade", choices=sorted(PROFILES), default="mild", help="scan degradation profile")
    parser.add_argument("--bad", action="store_true", help="also write one file of each bad kind to OUT/bad")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args = _parser().parse_args(argv)
    started = time.perf_counter()
    try:
        docs = generate_corpus(
            args.out,
            args.count,
            seed=args.seed,
            dpis=tuple(args.dpis or (200, 300)),
            degradations=PROFILES[args.degrade],
            layout=args.layout,
            fmt=args.fmt,
        )
        bad = make_bad_files(args.out / "bad", seed=args.seed) if args.bad else {}
    except SamplesError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    pages = sum(doc.spec.pages for doc in docs)
    elapsed = time.perf_counter() - started
    print(f"{len(docs)} documents, {pages} pages, {len(bad)} bad files in {args.out} ({elapsed:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
