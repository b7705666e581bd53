"""Click to idle in a real browser: how long the dashboard takes, after a map click, a bar
click and a filter change, until every view is updated and the page is still.

The page is watched with a MutationObserver: the time of a step is from the mouse-down to the
last change of the page before it stays unchanged for ``QUIET_MS``. Each step is taken
``repeats`` times (alternating between two markers, two bars, the status filter's *held* on
and off) and the median kept. Run on the seed tables and on generated ones:

    python -m bench.clicks data/ /tmp/dashboard-1000000
"""

from __future__ import annotations

import math
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from tests.browser_support import CHROMIUM, CHROMIUM_FLAGS, ROOT, streamlit_server

QUIET_MS = 600  # no change for this long: the page is idle
WATCH = """() => {
  window.__last = performance.now();
  window.__downAt = -1;
  new MutationObserver(() => { window.__last = performance.now(); }).observe(
    document.body, {subtree: true, childList: true, attributes: true, characterData: true});
  document.addEventListener('mousedown', () => { window.__downAt = performance.now(); }, true);
}"""
SETTLED = f"() => window.__last > window.__downAt && performance.now() - window.__last > {QUIET_MS}"
IDLE = f"() => performance.now() - window.__last > {QUIET_MS}"
# The biggest map marker and the biggest one well clear of it, in pixels, from the geo
# subplot's own projection.
MARKERS = """() => {
  const gd = [...document.querySelectorAll('.js-plotly-plot')]
    .find(g => g._fullLayout && g._fullLayout.geo);
  const t = gd._fullData.find(d => d.type === 'scattergeo');
  const size = t.marker.size;
  const box = gd.querySelector('.main-svg').getBoundingClientRect();
  const at = i => {
    const xy = gd._fullLayout.geo._subplot.projection([t.lon[i], t.lat[i]]);
    return [box.x + xy[0], box.y + xy[1]];
  };
  const order = [...size.keys()].sort((a, b) => size[b] - size[a]).map(at);
  const other = order.find(p => Math.hypot(p[0] - order[0][0], p[1] - order[0][1]) > 60);
  return other ? [order[0], other] : [order[0]];
}"""


def _shown(page: Any) -> str:
    """The page's count of events shown: a step that does not change it did nothing."""
    return str(page.locator('[data-testid="stCaptionContainer"]').first.inner_text())


def _timed(page: Any, act: Callable[[], None]) -> float:
    """Seconds from the mouse-down of `act` to the page's last change before it went still;
    NaN when the step changed nothing (a click beside its target)."""
    page.wait_for_function(IDLE, timeout=60_000)
    before = _shown(page)
    act()
    page.mouse.move(2, 2)  # no hover card left open to redraw
    page.wait_for_function(SETTLED, timeout=60_000, polling=50)
    if _shown(page) == before:
        return math.nan
    return float(page.evaluate("() => (window.__last - window.__downAt) / 1000"))


def _bar_points(page: Any) -> list[tuple[float, float]]:
    points = []
    for bar in page.locator('[class*="st-key-actor_chart"] .bars path').all()[:2]:
        box = bar.bounding_box()
        if box and box["width"] > 2:
            points.append((box["x"] + min(box["width"] / 2, 20), box["y"] + box["height"] / 2))
    return points


def measure(url: str, repeats: int = 5, shots: Path | None = None) -> dict[str, list[float]]:
    """Click-to-idle seconds of each try of each step on the dashboard at `url`."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url)
        page.wait_for_selector(".scattergeo path.point", timeout=300_000)
        page.wait_for_selector('[class*="st-key-actor_chart"] .bars path', timeout=60_000)
        page.evaluate(WATCH)
        held = page.locator('[data-testid="stSidebar"] button', has_text="held").first
        steps: dict[str, list[float]] = {"map click": [], "bar click": [], "filter change": []}
        for k in range(repeats):
            markers = page.evaluate(MARKERS)  # again: the focus bar above may have grown
            x, y = markers[k % len(markers)]
            steps["map click"].append(_timed(page, partial(page.mouse.click, x, y)))
        page.get_by_role("button", name="Clear selection").click()
        page.wait_for_function(IDLE, timeout=60_000)
        for k in range(repeats):
            bars = _bar_points(page)
            bx, by = bars[k % len(bars)]
            steps["bar click"].append(_timed(page, partial(page.mouse.click, bx, by)))
        page.get_by_role("button", name="Clear selection").click()
        for _ in range(repeats):
            steps["filter change"].append(_timed(page, held.click))
        if shots is not None:
            page.screenshot(path=str(shots), full_page=True)
        browser.close()
    return steps


def seed_tables(work: Path) -> Path:
    """The seed corpus's tables, as `make data` builds them."""
    out = work / "seed-tables"
    if not (out / "events.parquet").is_file():
        subprocess.run([sys.executable, "-m", "etl", str(ROOT / "seeds"), "--out", str(out),
                        "--quiet"], check=True, cwd=ROOT)
    return out


def run(folders: list[Path], repeats: int = 5) -> list[tuple[str, str, str]]:
    """(figure, value, target) rows: each folder's medians, from one server each."""
    rows = []
    for folder in folders:
        log = Path(tempfile.mkdtemp(prefix="parley-clicks-")) / "server.log"
        with streamlit_server(folder, log) as url:
            steps = measure(url, repeats)
        for name, tries in steps.items():
            counted = [t for t in tries if not math.isnan(t)]
            rows.append((f"click to idle, {name}, {folder.name}",
                         f"{1000 * statistics.median(counted):.0f} ms (median of "
                         f"{len(counted)} of {repeats} that changed the page)" if counted else
                         "no try changed the page", "< 200 ms"))
    return rows


if __name__ == "__main__":
    for row in run([Path(a) for a in sys.argv[1:]]):
        print(" | ".join(row))
