"""A one-line label that shortens its text with "…" when its row runs out of
room and shows the whole text on hover, so that a long message never asks
its window to grow past the screen (issue 15: the status bar's offline
message widened the window)."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QWidget

MIN_CHARS = 6  # how much of the text is always shown, in average characters


class ElidingLabel(QLabel):
    """`text()` is always the whole text; what is painted may be shortened."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setText(text)

    def setText(self, text: str) -> None:
        self._full = text
        self.setAccessibleDescription(text)
        self.updateGeometry()
        self._elide()

    def text(self) -> str:
        return self._full

    def sizeHint(self) -> QSize:
        # From the whole text, not the shortened one, so room that comes
        # back gives the text back.
        hint = super().sizeHint()
        return QSize(
            self.fontMetrics().horizontalAdvance(self._full) + self._overhead(), hint.height()
        )

    def _overhead(self) -> int:
        """What QLabel adds around its text (margins, the style sheet's padding
        and the style's own), measured on the text it shows now."""
        shown = QLabel.text(self)
        return super().sizeHint().width() - self.fontMetrics().horizontalAdvance(shown) + 1

    def minimumSizeHint(self) -> QSize:
        width = min(self.sizeHint().width(), self.fontMetrics().averageCharWidth() * MIN_CHARS)
        return QSize(width, super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        room = self.width() - self._overhead()
        metrics = self.fontMetrics()
        shown = (
            self._full
            if metrics.horizontalAdvance(self._full) <= room
            else metrics.elidedText(self._full, Qt.TextElideMode.ElideRight, room)
        )
        super().setText(shown)
        self.setToolTip(self._full if shown != self._full else "")
