"""`caseworker` with no usable keyring: refuse, explain, never fall back."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.helpers import PASSPHRASE


def _run(args, *, stdin: str, env_extra: dict[str, str]) -> subprocess.CompletedProcess:
    env = {**os.environ, **env_extra}
    return subprocess.run(
        [sys.executable, "-m", "desktop.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def test_failing_keyring_refuses_to_create_a_vault(tmp_path):
    profile = tmp_path / "p"
    result = _run(
        ["--profile", str(profile), "--secrets-stdin", "init"],
        stdin=f"{PASSPHRASE}\n",
        env_extra={"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"},
    )
    assert result.returncode == 1
    assert "No secure keyring is available" in result.stderr
    assert "gnome-keyring" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (profile / "caseworker.db").exists()


def test_demo_keyring_flag_works_and_says_so_loudly(tmp_path):
    profile = tmp_path / "p"
    result = _run(
        ["--profile", str(profile), "--insecure-demo-keyring", "--secrets-stdin", "init"],
        stdin=f"{PASSPHRASE}\n",
        env_extra={"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"},
    )
    assert result.returncode == 0, result.stderr
    assert "WARNING" in result.stderr and "demo" in result.stderr.lower()
    blob = (profile / "INSECURE-demo-keyring.json").read_text()
    assert '"wrapped' in blob and PASSPHRASE not in blob
