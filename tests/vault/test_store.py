from __future__ import annotations

import os

import pytest

from desktop.store import Store, apply_migrations, migration_scripts, schema_version


def test_fresh_store_reaches_newest_schema_and_rerun_is_noop(tmp_path):
    newest = max(v for v, _, _ in migration_scripts())
    store = Store(tmp_path / "db", os.urandom(32))
    assert schema_version(store.conn) == newest
    rows = store.conn.execute("SELECT version FROM schema_migrations ORDER BY version").fetchall()
    assert [r[0] for r in rows] == sorted(v for v, _, _ in migration_scripts())
    tables = store.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    assert apply_migrations(store.conn) == newest
    assert store.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == tables
    assert store.conn.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] == len(rows)


def test_store_pragmas(tmp_path):
    store = Store(tmp_path / "db", os.urandom(32))
    conn = store.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA temp_store").fetchone()[0] == 2  # memory
    assert conn.execute("PRAGMA cipher_version").fetchone()[0].startswith("4.")


def test_search_index_keeps_its_tuning(tmp_path):
    # Settings live in the index's own config table: an index built again by
    # a later migration (as 0010 did) starts from FTS5's defaults.
    conn = Store(tmp_path / "db", os.urandom(32)).conn
    settings = dict(conn.execute("SELECT k, v FROM search_index_config").fetchall())
    assert settings["pgsz"] == 8000  # leaves sized to our 8 KiB pages
    assert settings["secure-delete"] == 1  # deleted words leave the file
    assert settings["automerge"] == 16  # a first pull's cost per note stays flat


def test_transaction_rolls_back_whole(tmp_path):
    store = Store(tmp_path / "db", os.urandom(32))
    with pytest.raises(RuntimeError), store.transaction() as conn:
        conn.execute("INSERT INTO device_meta VALUES ('a', '1')")
        raise RuntimeError("laptop died")
    assert store.conn.execute("SELECT count(*) FROM device_meta").fetchone()[0] == 0


def test_nested_transaction_is_a_savepoint(tmp_path):
    store = Store(tmp_path / "db", os.urandom(32))
    with store.transaction() as conn:
        conn.execute("INSERT INTO device_meta VALUES ('outer', '1')")
        with pytest.raises(ValueError), store.transaction() as inner:
            inner.execute("INSERT INTO device_meta VALUES ('inner', '1')")
            raise ValueError
    keys = [r[0] for r in store.conn.execute("SELECT key FROM device_meta")]
    assert keys == ["outer"]


def test_damaged_database_gives_a_clear_error(tmp_path):
    from desktop.errors import StoreError

    path = tmp_path / "db"
    path.write_bytes(os.urandom(8192))
    with pytest.raises(StoreError, match="could not be decrypted"):
        Store(path, os.urandom(32))


def test_a_migration_that_arrives_after_a_newer_one_is_still_applied(tmp_path):
    """Branches number their migrations side by side (0005, 0006) and may
    merge in either order: a store that has 0006 gets 0005 when it arrives."""
    store = Store(tmp_path / "db", os.urandom(32))
    conn = store.conn
    newest = schema_version(conn)
    conn.execute("DROP TABLE drafts")  # as if the store had never met 0006…
    conn.execute("DELETE FROM schema_migrations WHERE version = 6")
    conn.execute(  # …but had a later one
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'later', 'x')"
    )
    assert apply_migrations(conn) == 99
    assert conn.execute("SELECT count(*) FROM drafts").fetchone()[0] == 0
    versions = [r[0] for r in conn.execute("SELECT version FROM schema_migrations")]
    assert 6 in versions and newest in versions
