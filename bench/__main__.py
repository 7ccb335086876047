"""``python -m bench``: run every benchmark, each in its own process (each sets Django up its own way).

``KHO_BENCH_PG_URL`` (set by ``make bench``) adds PostgreSQL runs; they use a throw-away database named
``kho_bench`` on the same server, created here and flushed by the benchmarks. ``bench.search`` keeps its
generated archives in databases ``kho_bench_search_<n>`` instead, reused while complete.
"""

from __future__ import annotations

import os
import subprocess
import sys
from urllib.parse import urlsplit, urlunsplit


def bench_database(url: str) -> str:
    """The URL of ``kho_bench`` on the server of ``url``, created if it does not exist."""
    if not url:
        return ""
    import psycopg

    parts = urlsplit(url)
    bench_url = urlunsplit(parts._replace(path="/kho_bench"))
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = 'kho_bench'").fetchone():
            conn.execute('CREATE DATABASE "kho_bench"')
    return bench_url


def plan(pg: str) -> list[list[str]]:
    """Every benchmark with its arguments."""
    with_pg = ["--pg", pg] if pg else []
    return [
        ["bench.core"],
        ["bench.pipeline"],
        ["bench.extraction"],
        ["bench.search", "--sizes", os.environ.get("KHO_BENCH_SEARCH_SIZES", "100000,1000000"), *with_pg],
        ["bench.upload_api"],
        *([["bench.upload_api", "--database-url", pg]] if pg else []),
        ["bench.packages"],
    ]


def main() -> int:
    failed = 0
    for command in plan(bench_database(os.environ.get("KHO_BENCH_PG_URL", ""))):
        print(f"== {' '.join(command)}", flush=True)
        failed += subprocess.run([sys.executable, "-m", *command], check=False).returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
