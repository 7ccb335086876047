"""Shared fixtures: an isolated data directory per test and an in-process ``kho`` runner.

The same suite runs on SQLite (default) and on PostgreSQL (``KHO_DATABASE_URL=postgresql://…``),
style.md rule 25.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from kho.storage.store import _store_for

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
TESTDATA = SHARED / "testdata"
# Real Tesseract output recorded once per input (style.md rule 26); ignored by git, shared by the SQLite and
# PostgreSQL runs of one `make test`.
RECORDINGS = REPO / ".cache" / "ocr-recordings"
# The master key that encrypts classified objects in tests (never a real key): 32 bytes, base64.
TEST_MASTER_KEY = bytes(range(32))
TEST_MASTER_KEY_B64 = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="


def _serial_server_class() -> type:
    from django.core.servers.basehttp import WSGIServer

    class SerialWSGIServer(WSGIServer):
        """Django's one-request-at-a-time server, accepting the live server's ``connections_override``.

        The override is already installed in the live server's own thread, which handles every request.
        """

        def __init__(self, *args: Any, connections_override: Any = None, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)

    return SerialWSGIServer


@pytest.fixture(autouse=True, scope="session")
def serial_live_server_on_shared_sqlite() -> None:
    """On in-memory SQLite the live server's threads share ONE connection, so handle requests one at a time.

    Django's live server gives every request thread the test's own connection when the database lives in
    memory; two requests writing at once (every request now appends an access event) would then interleave
    inside one transaction and fork the event chain, which cannot happen with a connection per thread as
    in ``kho serve``. PostgreSQL runs keep the threaded server.
    """
    from django.conf import settings
    from django.test.testcases import LiveServerThread

    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        LiveServerThread.server_class = _serial_server_class()


@pytest.fixture(autouse=True, scope="session")
def master_key() -> bytes:
    """Configure a master key for the session (module fixtures too), so classified objects can be stored.

    Tests change it through the ``settings`` fixture, which restores this value afterwards.
    """
    from django.conf import settings

    settings.KHO_MASTER_KEY = TEST_MASTER_KEY
    settings.KHO_MASTER_KEY_FILE = None
    return TEST_MASTER_KEY


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, settings: Any) -> Iterator[Path]:
    """Point the object store at a fresh directory for every test."""
    root = tmp_path / "kho-data"
    (root / "objects").mkdir(parents=True)
    settings.DATA_DIR = root
    settings.OBJECT_STORE_DIR = root / "objects"
    _store_for.cache_clear()
    yield root
    _store_for.cache_clear()


@dataclass
class KhoResult:
    """What one ``kho`` invocation returned."""

    code: int
    out: str
    err: str

    def json(self) -> Any:
        """Parse stdout as JSON."""
        return json.loads(self.out)


@pytest.fixture
def kho(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Any:
    """Run ``kho ARGS…`` in this process (on the test database) and return code, stdout, stderr."""
    from kho.cli import main
    from kho.core import command

    # The CLI closes its connections when done; in-process that would end the test's transaction.
    monkeypatch.setattr(command.connections, "close_all", lambda: None)

    def run(*args: str) -> KhoResult:
        capsys.readouterr()
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return KhoResult(code, captured.out, captured.err)

    return run


def kho_subprocess(args: list[str], env: dict[str, str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """Run ``python -m kho ARGS…`` in a child process with ``env`` added to the environment."""
    full_env = {**os.environ, "KHO_MASTER_KEY": TEST_MASTER_KEY_B64, **env}
    return subprocess.run(
        [sys.executable, "-m", "kho", *args],
        env=full_env,
        capture_output=True,
        text=True,
        check=False,
        **kwargs,
    )


@pytest.fixture
def recorded_ocr(settings: Any) -> Path:
    """Use the recording OCR engine (real OCR on a miss, replay afterwards) for this test."""
    RECORDINGS.mkdir(parents=True, exist_ok=True)
    settings.KHO_OCR_ENGINE = "recorded"
    settings.KHO_OCR_RECORDINGS = RECORDINGS
    return RECORDINGS
