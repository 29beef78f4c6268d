"""Small counts kept from those who see the record de-identified.

A count of 1 to 4 children can point at a child a reader knows ("the one
girl missing from the Puddle Lane flats in March"), so it is shown as
"fewer than 5" (primary suppression). Hiding it alone is not enough where
a total is shown beside the cells: the total less the visible cells gives
it back. So, line by line (a line is some cells and the total they add up
to), while what is visible would let a reader work out a hidden count
exactly, the smallest other visible count of the line is hidden too
(secondary suppression; it reads "not shown"), or, when none is left, the
line's total. Zero is shown: no child is behind it.

What a reader knows is taken as: a count shown "fewer than 5" is 1 to 4, a
count "not shown" is 5 or more (it was visible before it was hidden), and
each visible total is the sum of its line. Each line is reasoned about on
its own; lines share cells (a month's row and a level's column), and the
loop runs until no line gives anything away.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

THRESHOLD = 5
_MANY = 10**12  # no upper bound


class Shown(Enum):
    count = "count"
    fewer = "fewer"  # primary: 1 to THRESHOLD - 1
    withheld = "withheld"  # secondary: hidden so that no small count can be worked out


@dataclass(frozen=True)
class Cell:
    value: int
    shown: Shown = Shown.count

    @property
    def text(self) -> str:
        """What the page prints for the count."""
        if self.shown is Shown.fewer:
            return f"fewer than {THRESHOLD}"
        if self.shown is Shown.withheld:
            return "not shown"
        return f"{self.value:,}"

    @property
    def visible(self) -> bool:
        return self.shown is Shown.count

    @property
    def plotted(self) -> int | None:
        """The value a chart may draw: None (a gap) for a hidden count."""
        return self.value if self.visible else None


@dataclass(frozen=True)
class Line:
    """Cells `members` (indices) that add up to the cell `total`."""

    members: tuple[int, ...]
    total: int


def _bounds(value: int, shown: Shown) -> tuple[int, int]:
    if shown is Shown.fewer:
        return 1, THRESHOLD - 1
    if shown is Shown.withheld:
        return THRESHOLD, _MANY
    return value, value


def _gives_away(values: list[int], shown: list[Shown], line: Line) -> bool:
    """Whether the line's visible total and cells fix a hidden member exactly."""
    if shown[line.total] is not Shown.count:
        return False
    hidden = [i for i in line.members if shown[i] is not Shown.count]
    if not hidden:
        return False
    rest = values[line.total] - sum(values[i] for i in line.members if shown[i] is Shown.count)
    bounds = {i: _bounds(values[i], shown[i]) for i in hidden}
    low_sum = sum(lo for lo, _ in bounds.values())
    high_sum = sum(hi for _, hi in bounds.values())
    for lo, hi in bounds.values():
        least = max(lo, rest - (high_sum - hi))
        most = min(hi, rest - (low_sum - lo))
        if least >= most:
            return True
    return False


def suppress(values: list[int], lines: Sequence[Line] = ()) -> list[Cell]:
    """`values` as they may be shown de-identified: every count under
    THRESHOLD but zero hidden, and as many more as `lines` need."""
    shown = [Shown.fewer if 0 < v < THRESHOLD else Shown.count for v in values]
    changed = True
    while changed:
        changed = False
        for line in lines:
            if not _gives_away(values, shown, line):
                continue
            candidates = [i for i in line.members if shown[i] is Shown.count and values[i] > 0]
            pick = min(candidates, key=lambda i: values[i]) if candidates else line.total
            shown[pick] = Shown.withheld
            changed = True
    return [Cell(v, s) for v, s in zip(values, shown, strict=True)]


def plain(values: list[int]) -> list[Cell]:
    """Every count shown: the view of those who may see the children."""
    return [Cell(v) for v in values]
