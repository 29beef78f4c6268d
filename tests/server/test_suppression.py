"""Small counts suppressed for de-identified readers (sync.server.suppression):
4 hidden and 5 shown, and no total less its visible cells giving back a
hidden one."""

from __future__ import annotations

from sync.server.suppression import Line, Shown, plain, suppress


def _texts(cells) -> list[str]:
    return [c.text for c in cells]


def test_four_is_fewer_than_five_and_five_and_zero_are_shown():
    assert _texts(suppress([4, 5, 0, 1, 1234])) == [
        "fewer than 5",
        "5",
        "0",
        "fewer than 5",
        "1,234",
    ]
    assert _texts(plain([4, 0])) == ["4", "0"]


def test_a_lone_hidden_cell_beside_a_total_hides_the_next_smallest_too():
    # months 3, 9, 12, 20 and their total 44: 44 - 9 - 12 - 20 would give the 3 back.
    cells = suppress([3, 9, 12, 20, 44], [Line((0, 1, 2, 3), 4)])
    assert [c.shown for c in cells] == [
        Shown.fewer,
        Shown.withheld,
        Shown.count,
        Shown.count,
        Shown.count,
    ]
    assert cells[1].text == "not shown"


def test_two_hidden_cells_whose_sum_gives_them_away_take_a_third():
    # 1 and 1 beside a total of 22 with 20 visible: their sum, 2, means both are 1.
    cells = suppress([1, 1, 20, 22], [Line((0, 1, 2), 3)])
    assert [c.shown for c in cells][:3] == [Shown.fewer, Shown.fewer, Shown.withheld]
    # 2 and 3 sum to 5, which could be 1+4, 2+3, 3+2 or 4+1: nothing more to hide.
    cells = suppress([2, 3, 20, 25], [Line((0, 1, 2), 3)])
    assert [c.shown for c in cells] == [Shown.fewer, Shown.fewer, Shown.count, Shown.count]


def test_with_nothing_else_to_hide_the_total_goes():
    # 4 and 4 beside a total of 8: both can only be 4. The zero stays.
    cells = suppress([4, 4, 0, 8], [Line((0, 1, 2), 3)])
    assert [c.shown for c in cells] == [Shown.fewer, Shown.fewer, Shown.count, Shown.withheld]
    # A total under 5 is itself a small count.
    assert suppress([3, 0, 3], [Line((0, 1), 2)])[2].shown is Shown.fewer


def test_a_withheld_cell_of_one_line_is_reasoned_about_in_the_other():
    # A 2 x 2 table with row and column totals: [[2, 7], [6, 8]], rows 9, 14, columns 8, 15.
    values = [2, 7, 6, 8, 9, 14, 8, 15]
    lines = [Line((0, 1), 4), Line((2, 3), 5), Line((0, 2), 6), Line((1, 3), 7)]
    cells = suppress(values, lines)
    hidden = {i for i, c in enumerate(cells) if not c.visible}
    assert 0 in hidden and len(hidden) >= 4  # the 2, its row and column partners, and more
    for line in lines:
        members = [i for i in line.members if i in hidden]
        assert len(members) != 1 or line.total in hidden
