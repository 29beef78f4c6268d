"""The laptop's log file: in the profile, private, rotating, set up by the
`caseworker` entry point, and never holding case content — even when the
content was typed, synced and then broke something."""

from __future__ import annotations

import io
import logging
import logging.handlers
import stat
import sys
import uuid

import pytest

from desktop import cli
from desktop.logs import BACKUPS, current_log_path, log_path, setup_logging, stop_logging
from desktop.profile import Profile
from sync.errors import RecordInvalid
from tests.helpers import child_data
from ui.errors import log_bug


@pytest.fixture(autouse=True)
def _no_log_left_open():
    yield
    stop_logging()


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _everything_logged(profile: Profile) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    files = sorted(log_path(profile).parent.iterdir())
    return "".join(p.read_text(encoding="utf-8") for p in files)


def test_typed_and_synced_case_content_and_a_forced_error_never_reach_the_log(laptops):
    laptop = laptops("sw.log")
    path = setup_logging(laptop.vault.profile, verbose=True)
    marker = f"Marker{uuid.uuid4().hex[:10]}"
    child = laptop.repo.create("child", child_data(marker))
    laptop.repo.create(
        "visit",
        {
            "visit_type": "cin",
            "start": "2026-05-04T10:00:00+00:00",
            "observations": f"Tidy home. {marker}",
        },
        child_id=str(child.id),
    )
    report = laptop.sync()
    assert report.pushed >= 2
    # A record the rules refuse, its field holding the marker…
    with pytest.raises(RecordInvalid):
        laptop.repo.create("visit", {"visit_type": marker}, child_id=str(child.id))
    # …and a bug whose message quotes it, as the excepthook logs it.
    try:
        raise RuntimeError(f"could not draw {marker}")
    except RuntimeError as exc:
        log_bug(exc)

    text = _everything_logged(laptop.vault.profile)
    assert "unexpected RuntimeError at " in text  # the file is in use, at INFO and up
    assert marker not in text
    assert path == log_path(laptop.vault.profile) == current_log_path()
    assert path.parent == laptop.vault.profile.path / "logs"
    assert _mode(path) == 0o600
    assert _mode(path.parent) == 0o700


def test_the_log_rotates_into_private_files_and_keeps_three(tmp_path):
    profile = Profile(tmp_path / "profile").ensure()
    path = setup_logging(profile, max_bytes=2000)
    for i in range(400):
        logging.getLogger("desktop.test").info("line %d of padding for the rotation", i)
    names = sorted(p.name for p in path.parent.iterdir())
    assert names == ["caseworker.log"] + [f"caseworker.log.{n}" for n in range(1, BACKUPS + 1)]
    assert all(_mode(p) == 0o600 for p in path.parent.iterdir())
    assert path.stat().st_size <= 2000


def test_setting_up_again_leaves_one_file_handler(tmp_path):
    first = setup_logging(Profile(tmp_path / "a").ensure())
    second = setup_logging(Profile(tmp_path / "b").ensure())
    handlers = logging.getLogger().handlers
    files = [h for h in handlers if isinstance(h, logging.handlers.RotatingFileHandler)]
    assert [h.baseFilename for h in files] == [str(second)]
    assert first != second


def test_every_caseworker_command_logs_to_the_profile(tmp_path, monkeypatch):
    profile = tmp_path / "profile"
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    cli.main(["--profile", str(profile), "--secrets-stdin", "passwd"])
    assert current_log_path() == profile / "logs" / "caseworker.log"
    assert (profile / "logs" / "caseworker.log").exists()
