"""A long chronology to PDF, painted on the documents thread.

Prints `name: value unit` lines:
  chronology_pdf_pages      pages of a chronology of 3,300 entries (context)
  chronology_pdf_ms         laid out, painted and written, median of 3
  chronology_pdf_ui_wait_ms the longest the UI thread's event loop waited
                            meanwhile, worst of the 3 (goal < 100: the window
                            answers while it is written)

Synthetic entries, written to a temporary folder that is removed after.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from desktop.chronology import ChronologyEntry  # noqa: E402
from desktop.exports import ChronologyExport, Marking  # noqa: E402
from ui.documents import chronology_printout  # noqa: E402
from ui.pdf_pages import write_pdf  # noqa: E402
from ui.tasks import Tasks  # noqa: E402

ENTRIES = 3300
AT = datetime(2026, 7, 31, 23, 5, tzinfo=UTC)


def export() -> ChronologyExport:
    first = datetime(2020, 1, 1, 9, 0, tzinfo=UTC)
    entries = [
        ChronologyEntry(
            f"r{n}",
            "visit",
            (first + timedelta(hours=17 * n)).isoformat(),
            "Visit: Child in need",
            f"Visit {n}: tidy room, calm, talked about school.",
            pending=False,
        )  # fmt: skip
        for n in reversed(range(ENTRIES))
    ]
    return ChronologyExport(Marking("Chronology", "Sam Example", AT, "worker.one"), entries)


def one_run(app: QApplication, tasks: Tasks, folder: Path) -> tuple[int, float, float]:
    printout, marking = chronology_printout(export()), export().marking
    state = {"last": time.monotonic(), "longest": 0.0, "pages": 0}

    def tick() -> None:
        now = time.monotonic()
        state["longest"] = max(state["longest"], now - state["last"])
        state["last"] = now

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    loop = QEventLoop()
    started = time.monotonic()

    def written(pages: int) -> None:
        state["pages"] = pages
        loop.quit()

    timer.start()
    tasks.documents(lambda: write_pdf(printout, marking, folder / "bench.pdf")).success(
        written
    ).run()
    loop.exec()
    took = time.monotonic() - started
    timer.stop()
    return int(state["pages"]), took * 1000, state["longest"] * 1000


def main() -> None:
    app = QApplication.instance() or QApplication([])
    tasks = Tasks(on_error=lambda exc: print(f"bench_pdf: {type(exc).__name__}", file=sys.stderr))
    try:
        with tempfile.TemporaryDirectory(prefix="caseworker-bench-pdf-") as folder:
            runs = [one_run(app, tasks, Path(folder)) for _ in range(3)]
    finally:
        tasks.shutdown()
    print(f"chronology_pdf_pages: {runs[0][0]} pages")
    print(f"chronology_pdf_ms: {statistics.median(r[1] for r in runs):.0f} ms")
    print(f"chronology_pdf_ui_wait_ms: {max(r[2] for r in runs):.0f} ms")


if __name__ == "__main__":
    main()
