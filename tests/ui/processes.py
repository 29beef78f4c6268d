"""Helpers for tests that run the app as a real process: a virtual X display
(Xvfb from Debian, started on a display number it picks itself) and lines
read from a child's output without blocking the test."""

from __future__ import annotations

import os
import queue
import select
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

import pytest


@contextmanager
def virtual_display(screen: str = "1366x768x24") -> Iterator[str]:
    """An Xvfb server for the block; yields its DISPLAY (":N"). `-displayfd`
    lets Xvfb choose a free display number and say it once it is listening,
    so parallel tests never race for one."""
    if shutil.which("Xvfb") is None:
        pytest.fail("Xvfb is missing: scripts/bootstrap.sh installs Debian's xvfb")
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", screen, "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    try:
        number = b""
        deadline = time.monotonic() + 30
        while not number.endswith(b"\n"):
            left = deadline - time.monotonic()
            ready, _, _ = select.select([read_end], [], [], max(0.0, left))
            if not ready:
                pytest.fail("Xvfb did not start within 30 s")
            chunk = os.read(read_end, 16)
            if not chunk:
                pytest.fail(f"Xvfb exited at start (status {server.wait()})")
            number += chunk
        yield f":{number.decode().strip()}"
    finally:
        os.close(read_end)
        server.terminate()
        server.wait(timeout=30)


class Lines:
    """Every line a stream gives, collected by a thread; `wait_for` blocks
    until one contains the text (or the time is up)."""

    def __init__(self, stream: IO[str]) -> None:
        self.seen: list[str] = []
        self._queue: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            self._queue.put(line)
        self._queue.put("")  # end of stream

    def wait_for(self, text: str, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self._queue.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            if line == "":
                break
            self.seen.append(line)
            if text in line:
                return line
        raise AssertionError(f"never saw {text!r}; got:\n{''.join(self.seen)[-3000:]}")

    def rest(self, timeout: float = 30) -> str:
        """Everything until the stream ends."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self._queue.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            if line == "":
                break
            self.seen.append(line)
        return "".join(self.seen)
