"""Click to idle in a real browser: how long the dashboard takes, after a map click, a bar
click and a filter change, until every view is updated and the page is still.

Two clocks, both from the mouse-down:
- *idle*: the last change of the page's DOM (a MutationObserver) before it stays unchanged for
  ``QUIET_MS``. It includes changes nobody sees, such as the table's accessible copy of its
  rows, and misses canvas drawing.
- *painted*: the first frame of Chromium's screencast from which the screen no longer changes:
  when the user sees the final page.

Each step is taken ``repeats`` times (alternating between two markers, two bars, the status
filter's *held* on and off) and the median kept. Run on the seed tables and on generated ones:

    python -m bench.clicks data/ /tmp/dashboard-1000000
"""

from __future__ import annotations

import hashlib
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


class Screencast:
    """Chromium's screencast of the page: (time, digest) of every frame it paints."""

    def __init__(self, page: Any) -> None:
        self.frames: list[tuple[float, str]] = []
        self._cdp = page.context.new_cdp_session(page)
        self._cdp.on("Page.screencastFrame", self._frame)
        self._cdp.send("Page.startScreencast", {"format": "png", "everyNthFrame": 1})

    def _frame(self, event: dict[str, Any]) -> None:
        self.frames.append((float(event["metadata"]["timestamp"]),
                            hashlib.sha1(event["data"].encode()).hexdigest()))
        self._cdp.send("Page.screencastFrameAck", {"sessionId": event["sessionId"]})

    def settled_at(self) -> float:
        """The time (epoch seconds) of the first frame that looks like the last one, after
        the last frame that differs from it."""
        last = self.frames[-1][1]
        changed = [i for i, (_, digest) in enumerate(self.frames) if digest != last]
        return self.frames[changed[-1] + 1 if changed else 0][0]


def _timed(page: Any, screen: Screencast, act: Callable[[], None]) -> tuple[float, float]:
    """Seconds from the mouse-down of `act` to the page's last DOM change before it went still,
    and to the frame from which the screen stayed as it ended; NaN when the step changed
    nothing (a click beside its target)."""
    page.wait_for_function(IDLE, timeout=60_000)
    before = _shown(page)
    screen.frames.clear()
    act()
    page.mouse.move(2, 2)  # no hover card left open to redraw
    page.wait_for_function(SETTLED, timeout=60_000, polling=50)
    if _shown(page) == before:
        return math.nan, math.nan
    down, idle = page.evaluate("() => [(performance.timeOrigin + window.__downAt) / 1000, "
                               "(window.__last - window.__downAt) / 1000]")
    return float(idle), screen.settled_at() - float(down)


def _bar_points(page: Any) -> list[tuple[float, float]]:
    points = []
    for bar in page.locator('[class*="st-key-actor_chart"] .bars path').all()[:2]:
        box = bar.bounding_box()
        if box and box["width"] > 2:
            points.append((box["x"] + min(box["width"] / 2, 20), box["y"] + box["height"] / 2))
    return points


def measure(url: str, repeats: int = 5,
            shots: Path | None = None) -> dict[str, list[tuple[float, float]]]:
    """(idle, painted) seconds of each try of each step on the dashboard at `url`."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url)
        page.wait_for_selector(".scattergeo path.point", timeout=300_000)
        page.wait_for_selector('[class*="st-key-actor_chart"] .bars path', timeout=60_000)
        page.evaluate(WATCH)
        screen = Screencast(page)
        held = page.locator('[data-testid="stSidebar"] button', has_text="held").first
        steps: dict[str, list[tuple[float, float]]] = {
            "map click": [], "bar click": [], "filter change": []}
        for k in range(repeats):
            markers = page.evaluate(MARKERS)  # again: the focus bar above may have grown
            x, y = markers[k % len(markers)]
            steps["map click"].append(_timed(page, screen, partial(page.mouse.click, x, y)))
        page.get_by_role("button", name="Clear selection").click()
        page.wait_for_function(IDLE, timeout=60_000)
        for k in range(repeats):
            bars = _bar_points(page)
            bx, by = bars[k % len(bars)]
            steps["bar click"].append(_timed(page, screen, partial(page.mouse.click, bx, by)))
        page.get_by_role("button", name="Clear selection").click()
        for _ in range(repeats):
            steps["filter change"].append(_timed(page, screen, held.click))
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
            counted = [t for t in tries if not math.isnan(t[0])]
            for clock, (k, target) in {"idle": (0, "< 200 ms"), "painted": (1, "")}.items():
                rows.append((f"click to {clock}, {name}, {folder.name}",
                             f"{1000 * statistics.median(t[k] for t in counted):.0f} ms "
                             f"(median of {len(counted)} of {repeats} that changed the page)"
                             if counted else "no try changed the page", target))
    return rows


if __name__ == "__main__":
    for row in run([Path(a) for a in sys.argv[1:]]):
        print(" | ".join(row))
