"""An archive outside the test database, for tests that run ``kho`` in child processes.

On SQLite it is a data directory; on PostgreSQL it also gets a database of its own, dropped afterwards.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings


@contextmanager
def isolated_archive(root: Path) -> Iterator[dict[str, str]]:
    """Yield the environment of a fresh archive under ``root``."""
    env = {"KHO_DATA_DIR": str(root), "KHO_LOG_LEVEL": "ERROR"}
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("postgresql"):
        import psycopg

        name = f"kho_iso_{uuid.uuid4().hex[:12]}"
        host, port, user = db["HOST"] or "127.0.0.1", db["PORT"] or 5432, db["USER"] or "postgres"
        dsn = f"host={host} port={port} user={user} dbname=postgres"
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        env["KHO_DATABASE_URL"] = (
            f"postgresql://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"
        )
        try:
            yield env
        finally:
            with psycopg.connect(dsn, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        env["KHO_DATABASE_URL"] = ""
        yield env
