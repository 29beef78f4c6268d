"""Text that fits the usual council laptop (1366×768; issue 15, item 5):
forms whose two halves stand side by side only when both fit, and choices
that shrink with their column and show their whole text on hover."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QBoxLayout, QComboBox, QFormLayout, QWidget

# A shrunk combo box still shows this many characters of its choice, inside
# its frame and arrow.
COMBO_CHARS = 12
COMBO_FRAME = 40


class SideBySide(QWidget):
    """Two parts of a form beside each other when the width holds both at
    their natural size, the second under the first when it does not — never
    a horizontal scrollbar (the missing-episode form needed one at 1366)."""

    def __init__(self, first: QWidget, second: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.first, self.second = first, second
        self.box = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self.box.setContentsMargins(0, 0, 0, 0)
        for part in (first, second):
            self.box.addWidget(part, 1, Qt.AlignmentFlag.AlignTop)
        # The narrowest it can be is the wider part's own minimum, not both:
        # set here, so the layout does not set the sum of both.
        self.setMinimumWidth(max(first.minimumSizeHint().width(), second.minimumSizeHint().width()))

    def beside(self) -> bool:
        return self.box.direction() == QBoxLayout.Direction.LeftToRight

    def resizeEvent(self, event: QResizeEvent) -> None:
        both = self.first.sizeHint().width() + self.second.sizeHint().width()
        wide = event.size().width() >= both + self.box.spacing()
        direction = QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom
        if self.box.direction() != direction:
            self.box.setDirection(direction)
        super().resizeEvent(event)


class ShrinkingCombo(QComboBox):
    """A combo box as wide as its longest choice where there is room, which
    narrows with its column where there is not (its longest choice no longer
    sets the form's width) and says its whole choice on hover."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.currentTextChanged.connect(self.setToolTip)

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        narrow = self.fontMetrics().averageCharWidth() * COMBO_CHARS + COMBO_FRAME
        return QSize(min(hint.width(), narrow), hint.height())


def wrapping(form: QFormLayout) -> QFormLayout:
    """A form whose field goes under its label when the row is too narrow."""
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
    return form
