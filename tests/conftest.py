"""Shared fixtures. The test command provides the real services:
PostgreSQL (CASEWORKER_TEST_PG_URL) and a Secret Service keyring on D-Bus."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from desktop.profile import Profile
from desktop.vault import KdfParams, Vault

# Real Argon2id, with a cost small enough for hundreds of unlocks in a test
# run. The production cost is measured by the benchmark, not here.
TEST_KDF = KdfParams(time_cost=1, memory_kib=8 * 1024, parallelism=1)
PASSPHRASE = "correct horse battery staple"


def require_secret_service() -> None:
    import keyring
    from keyring.backends import SecretService

    if not isinstance(keyring.get_keyring(), SecretService.Keyring):
        pytest.fail(
            "No Secret Service keyring on D-Bus: run the suite with `make test`, which "
            "starts gnome-keyring inside dbus-run-session."
        )


@pytest.fixture
def profile(tmp_path: Path) -> Profile:
    return Profile(tmp_path / "profile").ensure()


@pytest.fixture
def make_vault(profile: Profile) -> Iterator:
    """Vaults on the real Secret Service; every keyring entry they made is removed."""
    require_secret_service()
    made: list[Vault] = []

    def factory(p: Profile | None = None) -> Vault:
        v = Vault(p or profile, kdf=TEST_KDF)
        made.append(v)
        return v

    yield factory
    for v in made:
        v.lock()
        v.keystore.delete("vault-key")


@pytest.fixture
def vault(make_vault) -> Vault:
    return make_vault()


@pytest.fixture
def pg_url() -> str:
    url = os.environ.get("CASEWORKER_TEST_PG_URL")
    if not url:
        pytest.fail("CASEWORKER_TEST_PG_URL is not set: run the suite with `make test`.")
    return url


@pytest.fixture
def fresh_pg_url(pg_url: str) -> Iterator[str]:
    """A database of its own on the shared PostgreSQL, dropped afterwards."""
    admin_url = make_url(pg_url)
    name = f"cr_{uuid.uuid4().hex[:12]}"
    conninfo = admin_url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
