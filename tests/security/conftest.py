"""Fixtures of the route matrix: one archive per module (rolled back at the end), one store, clients.

Each test still runs in its own savepoint (``db``), so a mutation a test makes, or the rows it deletes
to compare answers, vanish before the next test.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client, override_settings

from kho.storage.store import _store_for
from tests.security.world import World, build


@pytest.fixture(scope="module", autouse=True)
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One object store for the module (overrides the per-test store of ``tests/conftest.py``)."""
    root = tmp_path_factory.mktemp("kho-data")
    (root / "objects").mkdir()
    with override_settings(
        DATA_DIR=root,
        OBJECT_STORE_DIR=root / "objects",
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        KHO_MASTER_KEY=bytes(range(32)),  # as tests/conftest.py: classified blobs are sealed at rest
        KHO_MASTER_KEY_FILE=None,
    ):
        _store_for.cache_clear()
        yield root
    _store_for.cache_clear()


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any, data_dir: Path) -> Iterator[World]:
    """The archive of ``tests.security.world``, built once and rolled back after the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build()
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """The dashboard cache would hide a difference between two answers."""
    cache.clear()


@pytest.fixture
def client_of(world: World, db: Any) -> Any:
    """``client_of(name, api=False)``: a client signed in as ``name`` (bearer token for the API)."""

    def make(name: str, *, api: bool = False) -> Client:
        if api:
            token = world.tokens.get(name) or ("kho_invalid" if name == "badtoken" else "")
            return Client(HTTP_AUTHORIZATION=f"Bearer {token}") if token else Client()
        client = Client()
        if name in world.users:
            client.force_login(world.users[name])
        return client

    return make
