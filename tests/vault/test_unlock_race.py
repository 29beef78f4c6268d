"""Wrong passphrases tried in parallel are each counted before Argon2id runs,
so no number of processes guessing at once gets more guesses than the limit."""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop.errors import KeyringChanged, VaultMissing, VaultWiped, WrongPassphrase
from desktop.profile import Profile
from desktop.vault import ENTRY_NAME, KdfParams, Vault
from tests.helpers import PASSPHRASE

# Slow enough (~0.1 s) that parallel guesses overlap inside Argon2id.
RACE_KDF = KdfParams(time_cost=2, memory_kib=64 * 1024, parallelism=1)
# About half a second, as in production: processes started together overlap.
CLI_KDF = KdfParams(time_cost=24, memory_kib=32 * 1024, parallelism=1)
LIMIT = 4
GUESSERS = 10


def _guess(profile_dir: str, guess_log: str, barrier, outcome_log: str) -> None:
    """One process: wait for the others, then try a wrong passphrase. Every
    Argon2id run is written to `guess_log` (O_APPEND: one line per run)."""
    derive = KdfParams.derive

    def counted(self: KdfParams, passphrase: str, salt: bytes) -> bytes:
        with open(guess_log, "a") as fh:
            fh.write(f"{os.getpid()}\n")
        return derive(self, passphrase, salt)

    KdfParams.derive = counted  # type: ignore[method-assign]
    vault = Vault(Profile(Path(profile_dir)))
    vault.prefetch()  # as the lock screen does while the worker types
    barrier.wait(timeout=60)
    try:
        vault.unlock("not the passphrase at all")
        outcome = "opened"
    except WrongPassphrase as exc:
        outcome = f"wrong {exc.attempts_left}"
    except VaultMissing as exc:
        assert "erased" in exc.message, exc.message
        outcome = "VaultMissing"
    except (VaultWiped, KeyringChanged) as exc:
        outcome = type(exc).__name__
    with open(outcome_log, "a") as fh:
        fh.write(outcome + "\n")


def test_parallel_wrong_passphrases_never_get_more_guesses_than_the_limit(make_vault, profile):
    vault = Vault(profile, kdf=RACE_KDF)
    vault.create(PASSPHRASE, attempt_limit=LIMIT)
    vault.lock()
    make_vault(profile)  # the fixture removes the keyring entry afterwards
    guess_log, outcome_log = profile.path.parent / "guesses", profile.path.parent / "outcomes"
    spawn = multiprocessing.get_context("spawn")
    barrier = spawn.Barrier(GUESSERS)
    procs = [
        spawn.Process(
            target=_guess, args=(str(profile.path), str(guess_log), barrier, str(outcome_log))
        )
        for _ in range(GUESSERS)
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
        assert p.exitcode == 0, "a guessing process failed"
    guesses = guess_log.read_text().split()
    outcomes = sorted(outcome_log.read_text().split("\n")[:-1])
    assert len(outcomes) == GUESSERS and "opened" not in outcomes
    assert len(guesses) <= LIMIT, f"{len(guesses)} guesses were tried before the wipe: {outcomes}"
    # The limit was reached, so the vault is gone: key first, then the files.
    assert vault.keystore.get(ENTRY_NAME) is None
    assert not profile.db_path.exists()
    # Those that came after the wipe are told so, not asked to enrol a new laptop.
    assert set(outcomes) <= {"VaultWiped", "VaultMissing", *(f"wrong {n}" for n in range(LIMIT))}


def test_a_right_passphrase_uncounts_its_attempt(vault):
    vault.create(PASSPHRASE, attempt_limit=LIMIT)
    vault.lock()
    with pytest.raises(WrongPassphrase):
        vault.unlock("not the passphrase at all")
    assert vault.attempts_left() == LIMIT - 1
    vault.unlock(PASSPHRASE)
    assert vault.attempts_left() == LIMIT  # "in a row": a right one starts again
    vault.lock()
    vault.unlock(PASSPHRASE)
    assert vault.attempts_left() == LIMIT


def test_the_count_and_its_lock_are_private_files_in_the_profile(vault, profile):
    vault.create(PASSPHRASE)
    vault.lock()
    with pytest.raises(WrongPassphrase):
        vault.unlock("not the passphrase at all")
    lock, count = profile.path / "unlock.lock", profile.path / "unlock-attempts"
    for path in (lock, count):
        assert path.exists() and (path.stat().st_mode & 0o777) == 0o600, path
    assert lock.read_bytes() == b""  # it only serialises
    assert count.read_text() == "1"
    vault.unlock(PASSPHRASE)
    assert not count.exists()


def test_a_count_kept_in_the_keyring_by_an_older_release_still_counts(vault):
    vault.create(PASSPHRASE, attempt_limit=LIMIT)
    vault.lock()
    entry = json.loads(vault.keystore.get(ENTRY_NAME))
    vault.keystore.set(ENTRY_NAME, json.dumps({**entry, "failed": 2}))
    assert vault.attempts_left() == LIMIT - 2
    with pytest.raises(WrongPassphrase) as wrong:
        vault.unlock("not the passphrase at all")
    assert wrong.value.attempts_left == LIMIT - 3
    vault.unlock(PASSPHRASE)
    assert vault.attempts_left() == LIMIT
    assert json.loads(vault.keystore.get(ENTRY_NAME))["failed"] == 0


def _reading_stdin(pid: int) -> bool:
    """The process is blocked reading a pipe (its stdin: it has no other)."""
    try:
        return "pipe" in Path(f"/proc/{pid}/wchan").read_text()
    except OSError:
        return False


def test_parallel_wrong_passphrases_on_the_command_line_wipe_at_the_limit(make_vault, profile):
    """The same through `caseworker status --secrets-stdin`, as a script would."""
    vault = Vault(profile, kdf=CLI_KDF)
    vault.create(PASSPHRASE, attempt_limit=3)
    vault.lock()
    make_vault(profile)
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "ui.main",
                "--profile",
                str(profile.path),
                "--secrets-stdin",
                "status",
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for _ in range(6)
    ]
    # Each reads its passphrase from stdin once started: when all six are
    # waiting there, one wrong passphrase is given to every one at once.
    deadline = time.monotonic() + 60
    while not all(_reading_stdin(p.pid) for p in procs):
        assert time.monotonic() < deadline, "the processes never asked for a passphrase"
        time.sleep(0.02)
    for p in procs:
        assert p.stdin is not None
        p.stdin.write("not the passphrase at all\n")
        p.stdin.close()
    results = [(p.stdout.read(), p.stderr.read()) for p in procs]  # type: ignore[union-attr]
    for p in procs:
        p.wait(timeout=120)
    errors = [err for _out, err in results]
    assert all(p.returncode == 1 for p in procs), errors
    assert not any("Traceback" in e for e in errors), "\n".join(errors)
    assert sum("not right" in e for e in errors) <= 2, errors
    assert vault.keystore.get(ENTRY_NAME) is None, "three wrong guesses must wipe"
