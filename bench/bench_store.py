"""Encrypted store against plain sqlite3 on the same workload, and vault open cost.

Prints `name: value unit` lines:
  store_write_ratio, store_read_ratio   encrypted time / plain time (goal <= 1.3)
  vault_open_ms                         unlock minus the Argon2id step (goal < 20)
  vault_kdf_ms                          the Argon2id step (goal 300-800)
"""

from __future__ import annotations

import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from desktop.profile import Profile
from desktop.store import CACHE_KIB, Store
from desktop.vault import KdfParams, Vault, _unb64

RECORDS = 100_000
BATCH = 1_000
CHILDREN = 1_000
SCHEMA = (
    "CREATE TABLE bench (id TEXT PRIMARY KEY, child_id TEXT NOT NULL, data TEXT NOT NULL);"
    "CREATE INDEX bench_child ON bench (child_id);"
)


def _rows(rng: random.Random) -> list[tuple[str, str, str]]:
    children = [str(uuid.UUID(int=rng.getrandbits(128))) for _ in range(CHILDREN)]
    words = [
        "visit",
        "seen",
        "alone",
        "bedroom",
        "school",
        "worried",
        "safe",
        "carer",
        "police",
        "plan",
    ]
    rows = []
    for _ in range(RECORDS):
        text = " ".join(rng.choice(words) for _ in range(70))[:500]
        rows.append((str(uuid.UUID(int=rng.getrandbits(128))), rng.choice(children), text))
    return rows


def _configure_plain(conn: sqlite3.Connection) -> None:
    # The same durability settings as the encrypted store, so only the
    # cipher differs.
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")


def _workload(conn, rows, rng: random.Random) -> tuple[float, float]:
    for statement in SCHEMA.split(";"):
        if statement.strip():
            conn.execute(statement)
    start = time.perf_counter()
    for i in range(0, len(rows), BATCH):
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO bench VALUES (?, ?, ?)", rows[i : i + BATCH])
        conn.execute("COMMIT")
    write = time.perf_counter() - start
    children = rng.sample(sorted({r[1] for r in rows}), 100)
    probe = rows[len(rows) // 2][0]
    start = time.perf_counter()
    for child in children:
        conn.execute("SELECT id, data FROM bench WHERE child_id = ?", (child,)).fetchall()
    conn.execute("SELECT data FROM bench WHERE id = ?", (probe,)).fetchone()
    read = time.perf_counter() - start
    return write, read


def store_ratios(tmp: Path) -> tuple[float, float]:
    rows = _rows(random.Random(1))
    plain_w, plain_r, enc_w, enc_r = [], [], [], []
    for run in range(3):
        plain = sqlite3.connect(tmp / f"plain{run}.db", isolation_level=None)
        _configure_plain(plain)
        w, r = _workload(plain, rows, random.Random(run))
        plain.close()
        plain_w.append(w)
        plain_r.append(r)
        store = Store(tmp / f"enc{run}.db", os.urandom(32))
        w, r = _workload(store.conn, rows, random.Random(run))
        store.close()
        enc_w.append(w)
        enc_r.append(r)
    return (
        statistics.median(enc_w) / statistics.median(plain_w),
        statistics.median(enc_r) / statistics.median(plain_r),
    )


def vault_figures(tmp: Path) -> tuple[float, float]:
    profile = Profile(tmp / "profile").ensure()
    vault = Vault(profile)
    passphrase = "benchmark passphrase words"
    vault.create(passphrase)
    vault.lock()
    try:
        kdf_times, open_times, keyring_times = [], [], []
        for _ in range(5):
            start = time.perf_counter()
            vault.prefetch()  # what the unlock dialog does while the worker types
            keyring_times.append(time.perf_counter() - start)
            entry = vault._prefetched
            start = time.perf_counter()
            kek = KdfParams().derive(passphrase, _unb64(entry["salt"]))
            kdf_times.append(time.perf_counter() - start)

            # Everything an unlock does after Enter except the Argon2id step:
            # unwrap, open and check the database.
            start = time.perf_counter()
            entry = vault._prefetched
            nonce, wrapped = _unb64(entry["nonce"]), _unb64(entry["wrapped"])
            vault._open(AESGCM(kek).decrypt(nonce, wrapped, vault._aad()))
            vault.store.conn.execute("SELECT count(*) FROM device_meta").fetchone()
            open_times.append(time.perf_counter() - start)
            vault.lock()
        print(f"vault_keyring_read_ms: {statistics.median(keyring_times) * 1000:.1f} ms")
        return statistics.median(open_times) * 1000, statistics.median(kdf_times) * 1000
    finally:
        vault.wipe(reason="benchmark finished")


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="caseworker-bench-") as tmp:
        write_ratio, read_ratio = store_ratios(Path(tmp))
        print(f"store_write_ratio: {write_ratio:.2f} x")
        print(f"store_read_ratio: {read_ratio:.2f} x")
        open_ms, kdf_ms = vault_figures(Path(tmp))
        print(f"vault_open_ms: {open_ms:.1f} ms")
        print(f"vault_kdf_ms: {kdf_ms:.0f} ms")


if __name__ == "__main__":
    main()
