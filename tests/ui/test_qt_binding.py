"""The Qt binding keeps Python's reference counts straight.

PySide6 6.12.0 on CPython 3.11 returns None from every void method without
taking a reference to it, so each call (a label's setText, a painter's
drawLine) drops one of None's references for good. A session dies with
"Fatal Python error: none_dealloc" once they run out: a 133-page chronology
PDF alone costs about 1,700 of the ~20,000 a session starts with, and the
rest of the window spends them all day. pyproject.toml keeps PySide6 below
6.12; this test fails on a binding that has the fault.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject
from PySide6.QtGui import QTextDocument


def test_void_methods_leave_nones_count_alone(qapp):
    thing, doc = QObject(), QTextDocument()
    before = sys.getrefcount(None)
    for _ in range(1000):
        thing.setObjectName("x")
        doc.setPlainText("x")
    # A few either way is the interpreter's own bookkeeping; the fault is 2,000.
    assert abs(sys.getrefcount(None) - before) < 50
