"""The dashboard in a real Chromium: the map draws offline, a click on Kabul filters every view,
the CSV download holds exactly Kabul's rows. Screenshots go to test-output/ (git-ignored)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin

import pandas as pd
import pytest

from dashboard import labels
from tests import browser_support
from tests.browser_support import (
    CHROMIUM,
    CHROMIUM_FLAGS,
    OwnHostOnly,
    require_browser,
    streamlit_server,
)
from tests.dashboard.conftest import fixture_tables, write_tables

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "test-output"
ROW = 68  # the events table's row height (dashboard/app.py ROW_HEIGHT)
# A marker's pixel on the page, from the geo subplot's own projection.
MARKER_XY = """([lon, lat]) => {
  const gd = [...document.querySelectorAll('.js-plotly-plot')]
    .find(g => g._fullLayout && g._fullLayout.geo);
  const xy = gd._fullLayout.geo._subplot.projection([lon, lat]);
  const box = gd.querySelector('.main-svg').getBoundingClientRect();
  return [box.x + xy[0], box.y + xy[1]];
}"""


@pytest.fixture(scope="module")
def guard() -> OwnHostOnly:
    """The module's network guard: the servers below allow their own origin, nothing else."""
    return OwnHostOnly()


@pytest.fixture(autouse=True)
def no_other_hosts(request: pytest.FixtureRequest, guard: OwnHostOnly) -> Iterator[None]:
    """Fail a browser test that asked any host but the app's own (a CDN, a font service)."""
    guard.refused.clear()
    yield
    if "browser_context" in request.fixturenames:
        assert guard.refused == [], f"requests to other hosts: {guard.refused}"


@pytest.fixture(scope="module")
def server(seed_tables_dir: Path, tmp_path_factory: pytest.TempPathFactory,
           guard: OwnHostOnly) -> Iterator[str]:
    """One Streamlit server for the module, on the seed tables, started from the repo root so
    it reads .streamlit/config.toml (static serving of the offline world outline)."""
    require_browser()
    log = tmp_path_factory.mktemp("streamlit") / "server.log"
    with streamlit_server(seed_tables_dir, log) as url:
        yield guard.allow(url)


@pytest.fixture(scope="module")
def browser_context(tmp_path_factory: pytest.TempPathFactory, guard: OwnHostOnly):
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=str(CHROMIUM),
            args=CHROMIUM_FLAGS, headless=True, accept_downloads=True,
            viewport={"width": 1440, "height": 2400})
        guard.attach(context)
        yield context
        context.close()


@pytest.fixture
def page(browser_context, server):
    page = browser_context.new_page()
    page.goto(server)
    page.wait_for_selector(".scattergeo path.point", timeout=60_000)
    yield page
    page.close()


GEO_DIV = """[...document.querySelectorAll('.js-plotly-plot')]
  .find(g => g._fullLayout && g._fullLayout.geo)"""


@pytest.mark.browser
def test_map_outline_is_served_by_the_app(page, server, guard):
    """Plotly fetches its world outline from a CDN unless told otherwise: the page tells it
    to ask the app's static files, and the outline drawn came from there."""
    url = page.evaluate(f"() => {GEO_DIV}._context.topojsonURL")
    assert urljoin(server + "/", url) == f"{server}/app/static/topojson/"
    outlines = [(u, s) for u, s in guard.served if "world_110m.json" in u]
    assert outlines and all(u == f"{server}/app/static/topojson/world_110m.json" and s == 200
                            for u, s in outlines), outlines
    assert page.locator(".geo .countries path, .geo path.countries").count() > 0


def seed_events(seed_tables_dir: Path) -> pd.DataFrame:
    return pd.read_csv(seed_tables_dir / "events.csv", dtype=str, keep_default_na=False)


def table_rows(page) -> list[list[str]]:
    """The events table's cells, from the grid's accessible DOM (its canvas has no text)."""
    grid = page.locator('[class*="st-key-events_table"] table[role="grid"] tbody tr')
    return [row.locator("td").all_text_contents() for row in grid.all()]


def bar_labels(page) -> set[str]:
    return set(page.locator('[class*="st-key-actor_chart"] .ytick text').all_text_contents())


def click_marker(page, lon: float, lat: float) -> None:
    x, y = page.evaluate(MARKER_XY, [lon, lat])
    page.mouse.move(x, y)  # plotly hit-tests on hover
    page.wait_for_timeout(200)
    page.mouse.click(x, y)


@pytest.mark.browser
def test_click_kabul_filters_table_chart_and_download(page, seed_tables_dir):
    events = seed_events(seed_tables_dir)
    held = events[(events["status"] == "held") & (events["lat"] != "")]
    assert page.locator(".scattergeo path.point").count() == held["place"].nunique() == 4
    # The offline world outline was drawn (country borders are paths in the geo layer).
    assert page.locator(".geo .countries path, .geo path.countries").count() > 0

    kabul = events[events["place"] == "Kabul"]
    lat, lon = float(kabul["lat"].iloc[0]), float(kabul["lon"].iloc[0])
    click_marker(page, lon, lat)
    page.get_by_text("Showing venue").wait_for(timeout=15_000)
    wait_rows(page, kabul["event_id"].nunique())

    rows = table_rows(page)
    assert {r[1] for r in rows} == {"Kabul"}
    assert any(r[3] == "briefing" for r in rows)
    assert bar_labels(page) == set(kabul["actor"]) - {""}
    assert {"Ashraf Ghani", "Abdullah Abdullah"} <= bar_labels(page)
    assert "venue=Kabul" in page.url.replace("+", " ").replace("%20", " ")

    with page.expect_download() as info:
        page.get_by_role("button", name="Download events CSV").click()
    download = info.value
    assert download.suggested_filename.startswith("parley-events_kabul")
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    got = list(csv.DictReader(io.StringIO(text)))
    assert {r["place"] for r in got} == {"Kabul"}
    assert sorted((r["event_id"], r["actor"]) for r in got) == sorted(
        zip(kabul["event_id"], kabul["actor"], strict=True))

    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=OUTPUT / "dashboard-kabul.png", full_page=True)

    # Double-clicking an empty part of the map resets it ...
    box = page.locator('[class*="st-key-venue_chart"] .main-svg').first.bounding_box()
    page.mouse.dblclick(box["x"] + 25, box["y"] + box["height"] - 25)
    wait_rows(page, events["event_id"].nunique())
    assert page.get_by_text("Showing venue").count() == 0
    # ... and so does the button.
    click_marker(page, lon, lat)
    wait_rows(page, kabul["event_id"].nunique())
    page.get_by_role("button", name="Clear selection").click()
    wait_rows(page, events["event_id"].nunique())
    assert "venue=" not in page.url


def click_bar(page, actor: str) -> None:
    """Click the bar whose y label is ``actor`` (bars are SVG paths without text)."""
    label = page.locator('[class*="st-key-actor_chart"] .ytick text', has_text=actor).first
    lbox = label.bounding_box()
    mid = lbox["y"] + lbox["height"] / 2
    for bar in page.locator('[class*="st-key-actor_chart"] .bars path').all():
        box = bar.bounding_box()
        if box and abs(box["y"] + box["height"] / 2 - mid) < 6:
            x, y = box["x"] + min(box["width"] / 2, 30), mid
            page.mouse.move(x, y)
            page.wait_for_timeout(200)
            page.mouse.click(x, y)
            return
    raise AssertionError(f"no bar for {actor}")


def wait_rows(page, n: int) -> None:
    page.wait_for_function(
        "n => document.querySelectorAll('[class*=\"st-key-events_table\"] tbody tr').length == n",
        arg=n, timeout=15_000)


@pytest.mark.browser
def test_venue_then_bar_click_combine_and_survive_other_widgets(page, seed_tables_dir):
    events = seed_events(seed_tables_dir)
    kabul = events[events["place"] == "Kabul"]
    actor = "Ashraf Ghani"
    both = kabul[kabul["event_id"].isin(kabul.loc[kabul["actor"] == actor, "event_id"])]
    assert not both.empty
    click_marker(page, float(kabul["lon"].iloc[0]), float(kabul["lat"].iloc[0]))
    wait_rows(page, kabul["event_id"].nunique())
    click_bar(page, actor)
    page.get_by_text("and actor").wait_for(timeout=15_000)
    wait_rows(page, both["event_id"].nunique())
    rows = table_rows(page)
    assert all(r[1] == "Kabul" and actor in r[2] for r in rows)

    # Another widget's rerun must not lose either click (Streamlit drops the map's own
    # selection when its figure changes): open the article of the first row.
    grid = page.locator('[class*="st-key-events_table"] [data-testid="stDataFrameResizable"]')
    gbox = grid.bounding_box()
    page.mouse.click(gbox["x"] + 16, gbox["y"] + 35 + ROW // 2)
    page.locator("mark[title='person: Abdullah Abdullah']").first.wait_for(timeout=15_000)
    assert page.get_by_text("and actor").count() == 1
    assert len(table_rows(page)) == both["event_id"].nunique()
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=OUTPUT / "dashboard-kabul-ghani-reader.png", full_page=True)


def test_missing_chromium_skips_locally_but_fails_in_ci(monkeypatch):
    monkeypatch.setattr(browser_support, "CHROMIUM", Path("/nonexistent/chromium"))
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception, match="chromium"):
        require_browser()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must run them"):
        require_browser()


# A node's pixel on the page, from the network chart's own axes.
NODE_XY = """(actor) => {
  const gd = document.querySelector('[class*="st-key-network_chart"] .js-plotly-plot');
  const L = gd._fullLayout;
  for (const trace of gd._fullData) {
    const at = (trace.customdata || []).findIndex(row => row && row[0] === actor);
    if (trace.mode === 'markers' && at >= 0) {
      const box = gd.querySelector('.main-svg').getBoundingClientRect();
      return [box.x + L._size.l + L.xaxis.l2p(trace.x[at]),
              box.y + L._size.t + L.yaxis.l2p(trace.y[at])];
    }
  }
  return null;
}"""


@pytest.fixture(scope="module")
def corpus_server(fixture_tables_dir: Path, tmp_path_factory: pytest.TempPathFactory,
                  guard: OwnHostOnly) -> Iterator[str]:
    """The dashboard on the hand-made tables, where several articles report one event."""
    require_browser()
    log = tmp_path_factory.mktemp("streamlit-corpus") / "server.log"
    with streamlit_server(fixture_tables_dir, log) as url:
        yield guard.allow(url)


def open_with_network(browser_context, corpus_server, fixture_tables_dir):
    """The fixture corpus's page once its network is drawn and every event is listed."""
    page = browser_context.new_page()
    page.goto(corpus_server)
    page.wait_for_selector('[class*="st-key-network_chart"] .scatterlayer .point',
                           timeout=60_000)
    events = pd.read_csv(fixture_tables_dir / "events.csv", dtype=str, keep_default_na=False)
    wait_rows(page, events["event_id"].nunique())
    return page, events


@pytest.mark.browser
def test_network_node_click_filters_and_event_detail_shows_reasons(browser_context,
                                                                   corpus_server,
                                                                   fixture_tables_dir):
    page, events = open_with_network(browser_context, corpus_server, fixture_tables_dir)
    labels = page.locator('[class*="st-key-network_chart"] .annotation-text').all_text_contents()
    assert {"Zalmay Khalilzad", "Russia", "Taliban"} <= set(labels)
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=OUTPUT / "dashboard-reports-network.png", full_page=True)

    # Click the node of the Taliban: the table, the map and the URL follow.
    x, y = page.evaluate(NODE_XY, "Taliban")
    page.mouse.move(x, y)
    page.wait_for_timeout(200)
    page.mouse.click(x, y)
    page.get_by_text("Showing actor").wait_for(timeout=15_000)
    taliban = set(events.loc[events["actor"] == "Taliban", "event_id"])
    wait_rows(page, len(taliban))
    assert all("Taliban" in r[2] for r in table_rows(page))
    assert "focus=Taliban" in page.url
    assert page.locator(".scattergeo path.point").count() == 1  # only Doha was held

    # Back to everything; open the Moscow talks, told by three articles.
    page.get_by_role("button", name="Clear selection").click()
    wait_rows(page, events["event_id"].nunique())
    rows = table_rows(page)
    moscow = next(i for i, r in enumerate(rows) if r[1] == "Moscow")
    assert rows[moscow][5] == "3"
    grid = page.locator('[class*="st-key-events_table"] [data-testid="stDataFrameResizable"]')
    gbox = grid.bounding_box()
    page.mouse.click(gbox["x"] + 16, gbox["y"] + 35 + ROW * moscow + ROW // 2)
    page.get_by_text("merged into this event").first.wait_for(timeout=15_000)
    assert page.get_by_text("Reports (3)").count() == 1
    page.locator("mark[title='country: Russia']").first.wait_for(timeout=15_000)
    # The page scrolls inside Streamlit's own container: bring the detail to the top.
    page.get_by_text("talks in Moscow, ").first.evaluate("e => e.scrollIntoView()")
    page.wait_for_timeout(300)
    page.screenshot(path=OUTPUT / "dashboard-event-detail.png")
    page.close()


@pytest.mark.browser
def test_tables_rewritten_under_an_open_page_are_offered_then_shown(browser_context,
                                                                     tmp_path: Path, guard):
    """As when `python -m etl --watch` takes in a new article while the analyst looks on."""
    full = fixture_tables()
    last = full["articles"]["article_id"].iloc[-1]
    folder = write_tables({name: frame[frame["article_id"] != last] if "article_id" in frame
                           else frame for name, frame in full.items()}, tmp_path / "data")
    n = len(full["articles"])
    with streamlit_server(folder, tmp_path / "server.log") as url:
        page = browser_context.new_page()
        page.goto(guard.allow(url))
        page.get_by_text(f"{n - 1} articles ·").wait_for(timeout=60_000)
        assert page.get_by_text("were updated").count() == 0
        write_tables(full, folder)
        page.get_by_text("were updated").wait_for(timeout=30_000)
        OUTPUT.mkdir(exist_ok=True)
        page.screenshot(path=OUTPUT / "dashboard-tables-updated.png")
        page.get_by_role("button", name="Show the new tables").click()
        page.get_by_text(f"{n} articles ·").wait_for(timeout=30_000)
        page.get_by_text("were updated").wait_for(state="detached", timeout=30_000)
        page.close()


# The middle of the line between two actors, from the network chart's own axes.
EDGE_XY = """(pair) => {
  const gd = document.querySelector('[class*="st-key-network_chart"] .js-plotly-plot');
  const L = gd._fullLayout;
  const trace = gd._fullData.find(t => t.name === 'shared events');
  const at = trace.customdata.findIndex(row => row[0] === pair);
  const box = gd.querySelector('.main-svg').getBoundingClientRect();
  return [box.x + L._size.l + L.xaxis.l2p(trace.x[at]),
          box.y + L._size.t + L.yaxis.l2p(trace.y[at])];
}"""


@pytest.mark.browser
def test_network_edge_click_filters_to_the_pairs_shared_events(browser_context, corpus_server,
                                                                fixture_tables_dir):
    page, events = open_with_network(browser_context, corpus_server, fixture_tables_dir)
    x, y = page.evaluate(EDGE_XY, "Zalmay Khalilzad\x1eTaliban")
    page.mouse.move(x, y)
    page.wait_for_timeout(300)
    assert page.locator(".hoverlayer").get_by_text("talks in Doha").count() == 1
    page.mouse.click(x, y)
    page.get_by_text("their shared events").wait_for(timeout=15_000)
    both = set(events.loc[events["actor"] == "Taliban", "event_id"]) & set(
        events.loc[events["actor"] == "Zalmay Khalilzad", "event_id"])
    wait_rows(page, len(both))
    assert all("Taliban" in r[2] and "Zalmay Khalilzad" in r[2] for r in table_rows(page))
    page.close()


LABEL_BOXES = """() => {
  const gd = [...document.querySelectorAll('.js-plotly-plot')]
    .find(g => g._fullLayout && g._fullLayout.geo);
  const net = document.querySelector('[class*="st-key-network_chart"] .js-plotly-plot');
  const box = t => { const r = t.getBoundingClientRect();
    return [t.textContent, r.left, r.top, r.right, r.bottom,
            parseFloat(getComputedStyle(t).fontSize)]; };
  return {
    map: [...gd.querySelectorAll('.scattergeo text')].filter(t => t.textContent).map(box),
    network: [...net.querySelectorAll('.annotation-text')].map(box)};
}"""


@pytest.fixture(scope="module")
def generated_server(tmp_path_factory: pytest.TempPathFactory, guard: OwnHostOnly
                     ) -> Iterator[str]:
    """The dashboard on a generated corpus of 300 venues and 200 actors."""
    require_browser()
    from bench.page_corpus import write_page_tables

    folder = write_page_tables(tmp_path_factory.mktemp("generated"))
    log = tmp_path_factory.mktemp("streamlit-generated") / "server.log"
    with streamlit_server(folder, log) as url:
        yield guard.allow(url)


def overlaps(boxes: list[list]) -> list[tuple[str, str]]:
    return [(boxes[a][0], boxes[b][0]) for a, b in labels.boxes_overlap(
        [tuple(b[1:5]) for b in boxes])]


@pytest.mark.browser
@pytest.mark.parametrize("width,height", [(1400, 1000), (1024, 768)])
def test_labels_of_a_large_corpus_never_overlap(browser_context, generated_server, width,
                                                 height):
    page = browser_context.new_page()
    page.set_viewport_size({"width": width, "height": height})
    page.goto(generated_server)
    page.wait_for_selector(".scattergeo path.point", timeout=60_000)
    page.wait_for_selector('[class*="st-key-network_chart"] .annotation-text', timeout=60_000)
    page.wait_for_timeout(1000)
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=OUTPUT / f"generated-{width}x{height}.png")
    page.locator('[class*="st-key-network_chart"]').scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    page.screenshot(path=OUTPUT / f"generated-network-{width}x{height}.png")
    boxes = page.evaluate(LABEL_BOXES)
    print(width, {k: len(v) for k, v in boxes.items()},
          min(b[5] for v in boxes.values() for b in v))
    assert 5 <= len(boxes["map"]) <= 12 and len(boxes["network"]) >= 15
    for kind in ("map", "network"):
        assert overlaps(boxes[kind]) == [], kind
        assert min(b[5] for b in boxes[kind]) >= 11
        assert min(b[4] - b[2] for b in boxes[kind]) >= 11  # drawn at least 11 px tall
    # The undated events have a bar of their own beside the dated ones.
    assert page.locator('[class*="st-key-timeline"] .x2tick text', has_text="undated").count()
    page.close()


@pytest.mark.browser
@pytest.mark.parametrize("width,height", [(1400, 1000), (1024, 768)])
def test_seed_screenshots(browser_context, server, width, height):
    page = browser_context.new_page()
    page.set_viewport_size({"width": width, "height": height})
    page.goto(server)
    page.wait_for_selector(".scattergeo path.point", timeout=60_000)
    page.wait_for_timeout(1000)
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=OUTPUT / f"seed-{width}x{height}.png")
    assert page.locator(".scattergeo text").filter(has_text="Kabul").count() == 1
    page.close()
