"""The encrypted store: one SQLCipher 4 database per enrolled worker.

The vault hands this module a raw 256-bit key; it never sees a passphrase.
Every connection is configured the same way here, migrations are applied in
order and recorded, and writes go through `Store.transaction()`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import sqlcipher3

from desktop.errors import StoreError, VaultLocked

log = logging.getLogger(__name__)

KEY_BYTES = 32
CACHE_KIB = 64 * 1024
PAGE_SIZE = 8192


def _key_pragma(key: bytes) -> str:
    if len(key) != KEY_BYTES:
        raise ValueError("the data key must be 32 bytes")
    # A raw key (x'…') skips SQLCipher's own PBKDF2: the vault has already
    # done the slow Argon2id step, so opening stays in milliseconds.
    return f"PRAGMA key = \"x'{key.hex()}'\""


def connect(path: Path, key: bytes) -> sqlcipher3.Connection:
    """Open and configure an encrypted connection, or raise `StoreError`.

    A wrong key, a missing key or a damaged file all surface here as a plain
    message, never as a driver traceback.
    """
    try:
        conn = sqlcipher3.connect(str(path), isolation_level=None, check_same_thread=False)
    except sqlcipher3.Error as exc:
        raise StoreError(f"The case database at {path} cannot be opened ({exc}).") from None
    try:
        conn.execute(_key_pragma(key))
        # Measured (bench/bench_store.py): 8 KiB pages and HMAC-SHA256 bring
        # the cipher's write cost from ~1.5x to ~1.15x plain SQLite. Both are
        # part of the file format: every open must use the same values.
        # SHA-256 remains a strong page MAC; SQLCipher 3 used SHA-1.
        conn.execute(f"PRAGMA cipher_page_size = {PAGE_SIZE}")
        conn.execute("PRAGMA cipher_hmac_algorithm = HMAC_SHA256")
        # cipher_memory_security wipes every buffer SQLCipher frees. It costs
        # a large share of throughput and buys little here: the key itself
        # also lives in Python objects we cannot scrub, and SQLCipher already
        # zeroes its key material on close. Left OFF deliberately.
        conn.execute("PRAGMA cipher_memory_security = OFF")
        # Reading the schema is the first access that decrypts a page, so a
        # wrong key fails here rather than at some later query.
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        conn.execute("PRAGMA journal_mode = WAL")
        # FULL syncs the WAL on every commit: a laptop that loses power keeps
        # every note that was saved, not just those before the last checkpoint.
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        # Sorts and temporary indexes stay in memory: SQLite temp files would
        # otherwise hold plaintext fragments on disk.
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.execute("PRAGMA busy_timeout = 5000")
        # Every page read from disk costs a decrypt and an HMAC check, so keep
        # more decrypted pages in memory than SQLite's 2 MiB default.
        conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    except sqlcipher3.DatabaseError:
        conn.close()
        raise StoreError(
            "The case database could not be decrypted with this vault's key. "
            "The file is damaged or belongs to another vault."
        ) from None
    return conn


def migration_scripts() -> list[tuple[int, str, str]]:
    """(version, name, sql) for every file in resources/migrations, in order."""
    folder = resources.files("resources") / "migrations"
    found = []
    for entry in folder.iterdir():
        name = entry.name
        if not name.endswith(".sql"):
            continue
        number, _, rest = name.partition("_")
        if not number.isdigit():
            raise RuntimeError(f"migration file {name} must start with a number")
        found.append((int(number), rest.removesuffix(".sql"), entry.read_text(encoding="utf-8")))
    found.sort()
    versions = [v for v, _, _ in found]
    if len(set(versions)) != len(versions):
        raise RuntimeError("two migration files share a number")
    return found


def schema_version(conn: sqlcipher3.Connection) -> int:
    row = conn.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name='schema_migrations'"
    ).fetchone()
    if row is None:
        return 0
    return conn.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()[0]


def apply_migrations(conn: sqlcipher3.Connection) -> int:
    """Apply every migration not yet recorded, in order; return the newest version.

    Each migration runs in its own transaction with its version row, so a
    crash leaves the schema at a recorded version, never between two. What
    is applied is decided by the versions recorded, not by the highest one:
    branches developed side by side may number theirs 0005 and 0006 and
    merge in either order, and a store that met 0006 first still gets 0005.
    """
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    applied = {row[0] for row in conn.execute("SELECT version FROM schema_migrations")}
    current = schema_version(conn)
    for version, name, sql in migration_scripts():
        if version in applied:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _statements(sql):
                conn.execute(statement)
            conn.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                (version, name, datetime.now(UTC).isoformat()),
            )
            conn.execute("COMMIT")
        except Exception:
            conn.execute("ROLLBACK")
            raise
        log.info("store migrated to schema version %d (%s)", version, name)
        current = max(current, version)
    return current


def _statements(sql: str) -> Iterator[str]:
    # executescript() would commit on its own; splitting on complete
    # statements keeps each migration inside our transaction.
    buffer = ""
    for line in sql.splitlines(keepends=True):
        buffer += line
        if sqlcipher3.complete_statement(buffer):
            statement = buffer.strip()
            buffer = ""
            if statement and not all(
                part.strip().startswith("--") or not part.strip() for part in statement.splitlines()
            ):
                yield statement
    if buffer.strip():
        raise RuntimeError("a migration ends in an incomplete statement")


class Store:
    """An open encrypted database. All access goes through one connection.

    Callers must not keep the connection past `close()`; after close every
    access raises `VaultLocked`. The UI serialises access through one worker
    thread; the lock here guards against a stray second caller.
    """

    def __init__(self, path: Path, key: bytes, *, migrate: bool = True) -> None:
        self.path = path
        self._conn: sqlcipher3.Connection | None = connect(path, key)
        self._lock = threading.RLock()
        self._depth = 0
        if migrate:
            apply_migrations(self._conn)

    @property
    def conn(self) -> sqlcipher3.Connection:
        if self._conn is None:
            raise VaultLocked()
        return self._conn

    @property
    def is_open(self) -> bool:
        return self._conn is not None

    @contextmanager
    def transaction(self) -> Iterator[sqlcipher3.Connection]:
        """One atomic unit of work: everything inside commits or nothing does.

        Nested use becomes a savepoint, so a repository call made inside a
        larger transaction joins it instead of committing early.
        """
        with self._lock:
            conn = self.conn
            if self._depth == 0:
                conn.execute("BEGIN IMMEDIATE")
            else:
                conn.execute(f"SAVEPOINT sp{self._depth}")
            self._depth += 1
            try:
                yield conn
            except BaseException:
                self._depth -= 1
                if self._depth == 0:
                    conn.execute("ROLLBACK")
                else:
                    conn.execute(f"ROLLBACK TO sp{self._depth}")
                    conn.execute(f"RELEASE sp{self._depth}")
                raise
            else:
                self._depth -= 1
                if self._depth == 0:
                    conn.execute("COMMIT")
                else:
                    conn.execute(f"RELEASE sp{self._depth}")

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


def open_store(path: Path, key: bytes, *, migrate: bool = True) -> Store:
    return Store(path, key, migrate=migrate)
