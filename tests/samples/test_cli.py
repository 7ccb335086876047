"""scripts/render_samples.py end to end (child process, as an operator runs it)."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "render_samples.py"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=300)


def test_cli_writes_corpus_and_bad_files(tmp_path):
    result = _run(str(tmp_path), "--count", "2", "--seed", "9", "--dpi", "200", "--degrade", "none", "--bad")
    assert result.returncode == 0, result.stderr
    assert "2 documents" in result.stdout
    with (tmp_path / "manifest.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 2
    assert all((tmp_path / row["path"] / "page-1.png").exists() for row in rows)
    assert len(list((tmp_path / "bad").iterdir())) == 8


def test_cli_rejects_png_in_file_layout(tmp_path):
    result = _run(str(tmp_path), "--count", "1", "--layout", "file", "--format", "png")
    assert result.returncode == 2
    assert "multi-page" in result.stderr
