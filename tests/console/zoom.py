"""The console at 200% zoom, measured in the browser (WCAG 2.2 1.4.4 resize
text and 1.4.10 reflow), for tests/console/test_browser_zoom.py.

`zoom_200(driver)` makes the window what 200% zoom makes of a 1280x800
one: chromium's page zoom halves the CSS viewport and doubles the device
pixel ratio, so a 1280-px window at 200% lays out in 640 CSS px with
2 device px to each. CDP `Emulation.setDeviceMetricsOverride` sets
exactly that (640x400 CSS px, scale factor 2, not a phone: no mobile
viewport rules, no touch), on the driver the other browser tests use,
and it holds for every page loaded after it. `window.innerWidth` is then
640 and `devicePixelRatio` 2, as after Ctrl-+ to 200% on a 1280-px
screen; screenshots come out 1280 px wide.

`reflow_problems(driver)` lists what breaks reflow on the page as loaded;
`tab_walk(driver)` presses Tab through the page and says what took focus.
"""

from __future__ import annotations

from dataclasses import dataclass

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

WINDOW_WIDTH, WINDOW_HEIGHT, ZOOM = 1280, 800, 2


def zoom_200(driver) -> None:
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {
            "width": WINDOW_WIDTH // ZOOM,
            "height": WINDOW_HEIGHT // ZOOM,
            "deviceScaleFactor": ZOOM,
            "mobile": False,
        },
    )


# Every element that takes focus from the keyboard, in document order.
FOCUSABLE = (
    "a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]),"
    " select:not([disabled]), textarea:not([disabled]), summary,"
    " [tabindex]:not([tabindex='-1'])"
)

# What breaks reflow, found in the page itself. A region that scrolls
# sideways must be a `.table-wrap` that is labelled and takes focus (so a
# keyboard user can scroll it); anything else that is wider than its box
# with overflow hidden or clipped cuts its text; a control, a nav link or
# a text element outside the 640-px viewport (and not inside a scroll
# region) cannot be seen without scrolling the page sideways.
_REFLOW_JS = """
const problems = [];
const W = window.innerWidth;
const doc = document.documentElement;
if (doc.scrollWidth > W) problems.push(`the page scrolls sideways: ${doc.scrollWidth} > ${W}`);
const hidden = el => el.closest('.visually-hidden, .skip-link');
const describe = el => {
  let s = el.tagName.toLowerCase();
  if (el.id) s += '#' + el.id;
  else if (el.className && typeof el.className === 'string') {
    s += '.' + el.className.trim().split(/\\s+/).join('.');
  }
  const text = (el.innerText || el.value || '').trim().slice(0, 30);
  return text ? `${s} "${text}"` : s;
};
const scrollsSideways = el => {
  const ox = getComputedStyle(el).overflowX;
  return (ox === 'auto' || ox === 'scroll') && el.scrollWidth > el.clientWidth + 1;
};
for (const el of document.body.querySelectorAll('*')) {
  if (hidden(el)) continue;
  const cs = getComputedStyle(el);
  if (cs.display === 'none' || cs.visibility === 'hidden') continue;
  const controls = ['INPUT', 'SELECT', 'TEXTAREA', 'OPTION'];
  if (scrollsSideways(el) && !controls.includes(el.tagName)) {
    const named = el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
    if (!el.matches('.table-wrap') || el.getAttribute('role') !== 'region' || !named
        || el.getAttribute('tabindex') !== '0') {
      problems.push(`scrolls sideways without being a labelled, focusable region: ${describe(el)}`);
    }
    continue;
  }
  const clips = v => v === 'hidden' || v === 'clip';
  if (!controls.includes(el.tagName) && (clips(cs.overflowX) || clips(cs.overflowY))
      && (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1)) {
    problems.push(`cuts off its content: ${describe(el)}`);
  }
  const r = el.getBoundingClientRect();
  if (r.width === 0 && r.height === 0) continue;
  let inRegion = false;
  for (let a = el.parentElement; a; a = a.parentElement) if (scrollsSideways(a)) inRegion = true;
  if (inRegion) continue;
  const leaf = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
  const control = el.matches('input, select, textarea, button, nav a');
  if ((leaf || control) && (r.left < -1 || r.right > W + 1)) {
    const span = `${Math.round(r.left)}..${Math.round(r.right)} of ${W}`;
    problems.push(`outside the viewport (${span}): ${describe(el)}`);
  }
  if (control && el.matches('select, button') && el.scrollWidth > el.clientWidth + 1) {
    problems.push(`too narrow for its words: ${describe(el)}`);
  }
}
return problems;
"""


def reflow_problems(driver) -> list[str]:
    """What on the current page breaks reflow at its viewport width ([] for none)."""
    return list(driver.execute_script(_REFLOW_JS))


@dataclass(frozen=True)
class Stop:
    """One element Tab reached: its place among the page's focusables in
    document order, a description, where it is, and whether its focus
    style shows (an outline or a ring of box shadow)."""

    index: int
    what: str
    top: float
    bottom: float
    visible_focus: bool


_MARK_JS = f"""
const all = [...document.querySelectorAll("{FOCUSABLE}")].filter(el => {{
  const cs = getComputedStyle(el);
  return cs.display !== 'none' && cs.visibility !== 'hidden' && el.getClientRects().length;
}}).filter(el => {{
  // A radio group is one Tab stop (arrows move within it): its checked
  // radio, or its first when none is checked.
  if (el.type !== 'radio' || !el.name) return true;
  const group = [...document.querySelectorAll(`input[type=radio][name="${{el.name}}"]`)];
  const checked = group.find(r => r.checked);
  return el === (checked || group[0]);
}});
all.forEach((el, i) => el.setAttribute('data-tab-index', i));
document.activeElement && document.activeElement.blur();
window.scrollTo(0, 0);
return all.length;
"""

_FOCUSED_JS = """
const el = document.activeElement;
if (!el || el === document.body) return null;
const cs = getComputedStyle(el);
const ring = (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2)
  || (cs.boxShadow && cs.boxShadow !== 'none');
const r = el.getBoundingClientRect();
const text = (el.innerText || el.value || '').trim().slice(0, 40);
const name = el.getAttribute('name') ? `[${el.getAttribute('name')}]` : '';
return [Number(el.getAttribute('data-tab-index') ?? -1),
        `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${name} "${text}"`,
        r.top + window.scrollY, r.bottom + window.scrollY, ring];
"""


def tab_walk(driver) -> tuple[int, list[Stop]]:
    """(how many focusable elements the page shows, where each Tab went),
    from the top of the page until focus leaves the page or comes back."""
    count = int(driver.execute_script(_MARK_JS))
    stops: list[Stop] = []
    # A date field takes several presses (day, month, year, its picker), a
    # date and time field more: each counts once, checked at every press.
    for _ in range(8 * count + 2):
        ActionChains(driver).send_keys(Keys.TAB).perform()
        got = driver.execute_script(_FOCUSED_JS)
        if got is None or (stops and got[0] == stops[0].index):
            break
        stop = Stop(int(got[0]), str(got[1]), float(got[2]), float(got[3]), bool(got[4]))
        if stops and stops[-1].index == stop.index:
            if not stop.visible_focus:
                stops[-1] = stop
            continue
        stops.append(stop)
    return count, stops
