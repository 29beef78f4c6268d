"""The trends' charts, drawn on the server as SVG with pygal.

Why pygal: it is pure Python (no numpy, no native code: one small wheel
from PyPI), writes SVG itself, draws a chart in about ten milliseconds,
and is maintained (3.1 in 2026). matplotlib would do, at ten times the
install and a slower start. Its JavaScript (tooltips) is turned off
(`js=[]`); its SVG carries a <style> element, which the console's CSP
forbids inside a page, so each chart is served as an image from a route
of its own with a CSP of its own that allows nothing but that style
(`SVG_POLICY`): an image's scripts never run, and there are none.

Each chart is drawn from a table's cells (`trend_tables`): a hidden count
is a gap, never its value. Series differ by more than colour (the second
is dashed, with other markers), and every chart's table is on the page.
"""

from __future__ import annotations

from xml.etree import ElementTree

import pygal
from pygal.style import Style

from sync.server.trend_tables import Table, TrendTables

SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'"
CHARTS = ("missing", "missing_education", "screenings")

# Dark enough on white for WCAG's 3:1 for graphics; a system font.
_STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#1b1b1b",
    foreground_strong="#1b1b1b",
    foreground_subtle="#6b6b6b",
    colors=("#1d4f91", "#b3470e", "#2e6b30", "#6a2c7a"),
    font_family="sans-serif",
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=14,
    title_font_size=16,
)
_DASHES = (None, "8, 4", "2, 3", "12, 3, 2, 3")


def _columns(table: Table, count: int) -> list[list[int | None]]:
    return [[row.cells[c].plotted for row in table.rows] for c in range(count)]


def _chart(table: Table, series: list[str], title: str) -> bytes:
    many = len(series) > 1
    chart = pygal.Line(
        js=[],
        style=_STYLE,
        width=720,
        height=320,
        title=title,
        show_legend=many,
        legend_at_bottom=True,
        x_label_rotation=0 if len(table.rows) <= 6 else 30,
        allow_interruptions=True,  # a hidden count is a gap, not a zero
        dots_size=4,
        show_y_guides=True,
        min_scale=1,
        include_x_axis=True,  # counts start from nothing
        y_labels_major_every=None,
    )
    chart.x_labels = [row.label for row in table.rows]
    for n, (name, values) in enumerate(zip(series, _columns(table, len(series)), strict=True)):
        stroke = {"width": 3} | ({"dasharray": _DASHES[n]} if _DASHES[n] else {})
        chart.add(name, values, stroke_style=stroke, dots_size=3 + 2 * n)
    return _without_scripts(chart.render_tree())


def _without_scripts(tree: ElementTree.Element) -> bytes:
    """pygal writes its config as a <script> even with `js=[]`; an image's
    scripts never run, but a chart carries none all the same."""
    for parent in list(tree.iter()):
        for child in list(parent):
            if str(child.tag).rsplit("}", 1)[-1] == "script":
                parent.remove(child)
    return ElementTree.tostring(tree, encoding="utf-8", xml_declaration=True)


def chart_svg(tables: TrendTables, name: str) -> bytes:
    """The SVG of one chart (`CHARTS`); KeyError for another name."""
    if name == "missing":
        t = tables.missing
        return _chart(t, t.headers, "Missing episodes by month")
    if name == "missing_education":
        t = tables.missing_education
        return _chart(t, t.headers, "Missing education: opened and closed by month")
    if name == "screenings":
        t = tables.screenings
        return _chart(t, t.headers[:-1], "Screenings by month and level")
    raise KeyError(name)
