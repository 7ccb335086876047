"""Structural rules: migrations are complete (style.md rule 28) and pure modules never import Django (rule 4)."""

import ast
from io import StringIO

import pytest
from django.core.management import call_command

from tests.conftest import REPO

PURE_PACKAGES = [
    "storage/cas",
    "ingest/stages",
    "ingest/engines",
    "ingest/extract",
    "packages/formats",
    "samples",
    "handover/layout",
]
PURE_MODULES = [
    "core/text.py",
    "core/codetables.py",
    "core/naturalsort.py",
    "core/numwords.py",
    "audit/chain.py",
    "audit/vocabulary.py",
    "config/env.py",
]


@pytest.mark.django_db
def test_no_migration_is_missing():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)


def _imports(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def _pure_files():
    src = REPO / "src" / "kho"
    files = [src / m for m in PURE_MODULES if (src / m).exists()]
    for package in PURE_PACKAGES:
        files += sorted((src / package).rglob("*.py")) if (src / package).exists() else []
    return files


def test_pure_modules_do_not_import_django():
    offenders = [
        f"{path.relative_to(REPO)}: {name}"
        for path in _pure_files()
        for name in _imports(path)
        if name == "django"
        or name.startswith(("django.", "kho.records", "kho.storage.models", "kho.audit.models", "kho.agencies"))
    ]
    assert offenders == []
    assert len(_pure_files()) >= 8
