"""Set up Django on a throw-away archive for a benchmark (SQLite by default, PostgreSQL by URL)."""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path


def django_archive(database_url: str = "") -> Path:
    """Configure Django on a fresh data directory (and the given database) and run ``kho init``."""
    data_dir = Path(tempfile.mkdtemp(prefix="kho-bench-"))
    os.environ["KHO_DATA_DIR"] = str(data_dir)
    os.environ["KHO_DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kho.config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    if database_url:
        call_command("flush", interactive=False, verbosity=0)
    call_command("init", verbosity=0)
    return data_dir


def timed(fn: Callable[[], object], repeat: int = 3) -> float:
    """Median wall time of ``repeat`` calls."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)
