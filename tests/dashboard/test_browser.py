"""The dashboard in a real Chromium: the map draws offline, a click on Kabul filters every view,
the CSV download holds exactly Kabul's rows. Screenshots go to test-output/ (git-ignored)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

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


# --- hostile names ------------------------------------------------------------------------------
# Names an article can carry into the tables. The ETL takes publishers and titles from a record
# as written, and spaCy finds the right-to-left override and the 5,000-character name inside
# person names; it never makes an actor or a place of markup or a formula (the tokeniser splits
# "<" and "=" off every name), so those come in through the hand-made tables the page opens on.
IMG = "<img src=x onerror=window.__pwned=1>"
HYPERLINK = '=HYPERLINK("http://x","y")'
RTL_ACTOR = "Abdullah \u202eAbdullah"
LONG_A = ("Imran " + "Khan " * 999).strip()
LONG_B = LONG_A[:4000] + " Trump" * 170  # shares its first 4,000 characters with LONG_A
IMG_PLACE = "<img src=x onerror=window.__pwned=2>"
HOSTILE_NAMES = {"Zalmay Khalilzad": IMG, "Ashraf Ghani": HYPERLINK,
                 "Abdullah Abdullah": RTL_ACTOR, "Imran Khan": LONG_A, "Donald Trump": LONG_B,
                 "Kabul": IMG_PLACE, "Moscow": '=HYPERLINK("http://y","z")',
                 "Doha": "\u202eDoha", "Islamabad": ("Islamabad " * 500).strip(),
                 "Dawn": "<img src=x onerror=window.__pwned=3>", "Kabul Courier": HYPERLINK,
                 "Khalilzad meets Imran as peace efforts gain momentum":
                     "<img src=x onerror=window.__pwned=4> talks"}
UPLOAD_RECORDS = [  # (publisher, title, text): the app's own upload path, the real ETL
    ("<img src=x onerror=window.__pwned=5>", "<b>Geneva</b> =1+1",
     "GENEVA: President Ignazio \u202eCassis met Javad Zarif in Geneva on Tuesday."),
    (HYPERLINK, "Talks", "GENEVA: Javad Zarif met " + "Abdul " * 835
     + "Khan in Geneva on Tuesday."),
    ("\u202eReuters", "x" * 5000, "GENEVA: Javad Zarif met Ignazio \u202eCassis in Geneva "
     "on Wednesday."),
]
TICK_MAX, LABEL_MAX = 30, 40  # characters of an actor bar's tick, of any other label
UPLOAD_LONG = ("Abdul " * 835 + "Khan").strip()  # what spaCy makes of the second record


def hostile_tables() -> dict[str, pd.DataFrame]:
    """The hand-made tables with every actor, place, publisher and title made hostile."""
    frames = fixture_tables()
    columns = {"events": ("actor", "place"), "mentions": ("name",),
               "articles": ("publisher", "title")}
    for table, names in columns.items():
        for column in names:
            frames[table][column] = frames[table][column].map(
                lambda v: HOSTILE_NAMES.get(v, v) if isinstance(v, str) else v)
    return frames


def upload_jsonl() -> bytes:
    return "".join(json.dumps({"source": s, "title": t, "published": "2019-11-05", "text": x})
                   + "\n" for s, t, x in UPLOAD_RECORDS).encode()


def upload(page, name: str, data: bytes) -> None:
    """Through the sidebar, as a user does: pick the file, press Process."""
    page.get_by_text("Bring your own articles").click()
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
        files=[{"name": name, "mimeType": "application/octet-stream", "buffer": data}])
    page.get_by_role("button", name="Process uploaded files").click()
    page.locator('[data-testid="stAlertContentSuccess"]').wait_for(timeout=120_000)


HOVER_BOXES = """c => [...document.querySelectorAll(
    `[class*="st-key-${c}"] .hoverlayer .hovertext`)]
  .map(e => { const r = e.getBoundingClientRect(); return [r.left, r.right]; })"""


def hover_texts(page, chart: str, targets: list[list[float]]) -> list[str]:
    """The hover card's text at each (x, y) of a chart; each card inside the window."""
    texts = []
    width = page.evaluate("() => window.innerWidth")
    for x, y in targets:
        page.mouse.move(x, y)
        page.wait_for_timeout(250)
        texts.append(" ".join(page.locator(f'[class*="st-key-{chart}"] .hoverlayer')
                              .all_text_contents()))
        boxes = page.evaluate(HOVER_BOXES, chart)
        assert all(left >= 0 and right <= width for left, right in boxes), (texts[-1], boxes)
        page.mouse.move(5, 5)
    return texts


def centres(page, selector: str) -> list[list[float]]:
    return page.evaluate("""s => [...document.querySelectorAll(s)].map(e => {
        const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })
        .filter(([x, y]) => x > 0 && y > 0)""", selector)


ONE_BAR_CHART = """() => {
  const g = document.querySelectorAll('[class*="st-key-actor_chart"] .js-plotly-plot');
  return g.length == 1 && g[0]._fullLayout && g[0].querySelectorAll('.ytick text').length
    == g[0]._fullLayout.yaxis.categoryarray.length;
}"""
PLOTLY_TEXT = """() => [...document.querySelectorAll('.js-plotly-plot text')]
  .map(t => t.textContent).filter(t => t)"""
OVERFLOW = """() => {
  const main = document.querySelector('[data-testid="stMain"]') || document.body;
  const plots = [...document.querySelectorAll('.js-plotly-plot')].map(g => {
    const r = g.getBoundingClientRect(); return [r.left, r.right]; });
  return {page: document.documentElement.scrollWidth - window.innerWidth,
          main: main.scrollWidth - main.clientWidth, width: window.innerWidth, plots,
          bars: document.querySelector('[class*="st-key-actor_chart"] .js-plotly-plot')
                  ._fullLayout._size.w};
}"""


@pytest.mark.browser
def test_hostile_names_are_shown_literally_cut_and_unreversed(browser_context, guard,
                                                                tmp_path: Path):
    from dashboard.export import DANGEROUS_FIRST

    folder = write_tables(hostile_tables(), tmp_path / "tables")
    with streamlit_server(folder, tmp_path / "server.log") as url:
        page = browser_context.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(guard.allow(url))
        page.wait_for_selector(".scattergeo path.point", timeout=60_000)
        upload(page, "hostile.jsonl", upload_jsonl())
        page.get_by_text(f"{len(hostile_tables()['articles']) + 3} articles ·").wait_for(
            timeout=60_000)
        page.wait_for_selector('[class*="st-key-network_chart"] .scatterlayer .point',
                               timeout=60_000)
        page.wait_for_timeout(500)

        # Actor bars: markup and formulas literal, overrides shown as U+FFFD, long names cut
        # and still two bars.
        page.wait_for_function(ONE_BAR_CHART, timeout=15_000)  # not one mid-rerun
        ticks = page.locator('[class*="st-key-actor_chart"] .ytick text').all_text_contents()
        assert HYPERLINK in ticks and IMG[:29] + "…" in ticks, ticks
        assert "Abdullah \ufffdAbdullah" in ticks and "Ignazio \ufffdCassis" in ticks, ticks
        assert all(len(t) <= TICK_MAX for t in ticks), [len(t) for t in ticks]
        assert len(set(ticks)) == len(ticks)
        longs = [t for t in ticks if t.startswith(("Imran Khan", "Abdul Abdul"))]
        assert len(longs) == 3 and all(t.endswith(("…", ")")) for t in longs), longs
        texts = page.evaluate(PLOTLY_TEXT)
        assert not [t for t in texts if "\u202e" in t]
        assert max(len(t) for t in texts) <= LABEL_MAX, max(texts, key=len)[:80]

        # Map: the label and the hover card of the marker named with markup.
        kabul = [69.17, 34.53]
        map_labels = page.locator(".scattergeo text").all_text_contents()
        assert any(t.strip().startswith("<img src=x") for t in map_labels), map_labels
        (card,) = hover_texts(page, "venue_chart", [page.evaluate(MARKER_XY, kabul)])
        assert IMG_PLACE in card and IMG in card and "\u202e" not in card, card

        # Timeline: a bar's hover card lists "briefing in <img ...>".
        bars = centres(page, '[class*="st-key-timeline"] .barlayer .point path')
        cards = hover_texts(page, "timeline", bars)
        assert any(f"briefing in {IMG_PLACE}" in c for c in cards), cards
        assert not [c for c in cards if "\u202e" in c or len(c) > 2000]

        # Network: the labels (checked with every plotly text above) and a node's hover card.
        notes = page.locator('[class*="st-key-network_chart"] .annotation-text')
        assert IMG in notes.all_text_contents()
        (card,) = hover_texts(page, "network_chart", [page.evaluate(NODE_XY, IMG)])
        assert IMG in card, card

        # Nothing pushed off the page, the bars still have room.
        room = page.evaluate(OVERFLOW)
        assert room["page"] <= 0 and room["main"] <= 0, room
        assert all(left >= 0 and right <= room["width"] for left, right in room["plots"]), room
        assert room["bars"] >= 120, room
        OUTPUT.mkdir(exist_ok=True)
        page.screenshot(path=OUTPUT / "hostile-names.png", full_page=True)

        # The events table shows the names as text; the detail of the Kabul briefing too.
        rows = table_rows(page)
        kabul_row = next(i for i, r in enumerate(rows) if r[1] == IMG_PLACE)
        assert IMG in rows[kabul_row][2] and "Abdullah \ufffdAbdullah" in rows[kabul_row][2]
        assert not [c for r in rows for c in r if "\u202e" in c]  # no cell drawn reversed
        assert any("<img src=x onerror=window.__pwned=5>" in " ".join(r) for r in rows)
        grid = page.locator('[class*="st-key-events_table"] [data-testid="stDataFrameResizable"]')
        grid.scroll_into_view_if_needed()
        gbox = grid.bounding_box()
        page.mouse.click(gbox["x"] + 16, gbox["y"] + 35 + ROW * kabul_row + ROW // 2)
        page.get_by_text("merged into this event").first.wait_for(timeout=15_000)
        assert page.get_by_role("heading", name=f"briefing in {IMG_PLACE}").count() == 1
        page.wait_for_timeout(300)
        page.screenshot(path=OUTPUT / "hostile-detail.png", full_page=True)
        # The first report's article (the Courier's), and the Dawn report in the list.
        assert page.get_by_text(f"{HYPERLINK} · 2019-10-27").count() == 1
        reports = page.locator('[class*="st-key-reports_"] table[role="grid"] tbody td')
        cells = reports.all_text_contents()
        assert "<img src=x onerror=window.__pwned=4> talks" in cells, cells
        assert "<img src=x onerror=window.__pwned=3>" in cells, cells

        # The events whose place or publisher carries an override: their heading, caption and
        # article are not drawn reversed.
        for n, which in enumerate((lambda r: r[1] == "\ufffdDoha",
                                   lambda r: "\ufffdReuters" in r[6],
                                   lambda r: r[1].startswith("Islamabad Islamabad"))):
            at = next(i for i, r in enumerate(rows) if which(r))
            grid.scroll_into_view_if_needed()
            gbox = grid.bounding_box()
            page.mouse.click(gbox["x"] + 16, gbox["y"] + 35 + ROW * at + ROW // 2)
            # The picked event's own heading ("talks in Doha"), not an earlier event's of the
            # same month.
            page.wait_for_function(
                "ds => [...document.querySelectorAll('h4')]"
                ".some(h => ds.every(d => h.textContent.includes(d)))",
                arg=[f"{rows[at][3]} in {rows[at][1][:9]}", f", {rows[at][0]} ·"],
                timeout=15_000)
            shown = page.locator('[data-testid="stMain"]').inner_text()
            assert "\u202e" not in shown, repr(shown[shown.index("\u202e") - 300:][:400])
            assert n == 2 or "\ufffd" in page.locator("h4").first.inner_text() + " ".join(
                page.locator('[data-testid="stCaptionContainer"]').all_inner_texts())
            assert max(len(h) for h in page.locator("h4").all_inner_texts()) <= 200
            page.locator("h4").first.evaluate("e => e.scrollIntoView()")
            page.wait_for_timeout(300)
            page.screenshot(path=OUTPUT / f"hostile-detail-rtl-{n}.png")

        # Every download: the names whole, and no cell a spreadsheet would run.
        for button in ("Download events CSV", "Download mentions CSV"):
            with page.expect_download() as info:
                page.get_by_role("button", name=button).click()
            text = Path(info.value.path()).read_text(encoding="utf-8-sig")
            cells = [c for row in csv.reader(io.StringIO(text)) for c in row]
            risky = [c for c in cells if c.startswith(DANGEROUS_FIRST) and not _number(c)]
            assert risky == [], (button, risky[:5])
            if button.startswith("Download events"):
                assert "'" + HYPERLINK in cells and IMG in cells and LONG_A in cells
                assert RTL_ACTOR in cells and UPLOAD_LONG in cells  # data, not drawings

        # The sidebar's list of actors: every name as text, none wider than the page.
        page.locator(".st-key-actor input").click()
        options = page.get_by_role("option")
        options.first.wait_for(timeout=15_000)
        listed = options.all_inner_texts()
        assert IMG in listed and "Abdullah \ufffdAbdullah" in listed, listed
        assert not [o for o in listed if "\u202e" in o]
        assert page.evaluate(OVERFLOW)["page"] <= 0
        page.screenshot(path=OUTPUT / "hostile-actor-options.png")
        page.keyboard.press("Escape")

        assert dialogs == []
        assert page.evaluate("() => window.__pwned") is None
        assert page.locator('img[src="x"]').count() == 0
        page.close()


def _number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


# --- shared links -------------------------------------------------------------------------------
# Every URL-bound filter of the sidebar, the count switch, and the map's and network's clicks.
FULL_LINK = {"dates": ["2019-10-20", "2019-10-31"], "undated": ["true"],
             "actor": ["Zalmay Khalilzad"], "place": ["Kabul (AF)", "Moscow (RU)"],
             "type": ["briefing", "talks"], "status": ["held"], "source": ["Kabul Courier"],
             "q": ["this week"], "count": ["mentions"], "venue": ["Kabul (AF)"],
             "focus": ["Ashraf Ghani"]}
GARBAGE_LINK = {"dates": ["2019-13-45", "yesterday"], "undated": ["perhaps"],
                "actor": ["Nobody"], "place": ["Atlantis"],
                "type": ["<script>window.__pwned=1</script>"], "status": ["maybe"],
                "source": ["=HYPERLINK(\"http://x\")"], "q": ["a" * 10_000], "count": ["zzz"],
                "venue": ["Nowhere (XX)"], "focus": ["<img src=x onerror=window.__pwned=1>"]}
WIDGETS = """() => {
  const q = s => document.querySelector(s);
  const all = s => [...document.querySelectorAll(s)];
  return {
    dates: all('.st-key-dates input').map(i => i.value),
    undated: q('.st-key-undated input') ? q('.st-key-undated input').checked : null,
    actor: all('.st-key-actor span[title]').map(e => e.title),
    place: all('.st-key-place span[title]').map(e => e.title),
    type: all('.st-key-type button[aria-pressed="true"]').map(e => e.textContent),
    status: all('.st-key-status button[aria-pressed="true"]').map(e => e.textContent),
    source: all('.st-key-source span[title]').map(e => e.title),
    q: q('.st-key-q input').value,
    count: all('.st-key-count button[aria-checked="true"]').map(e => e.textContent),
  };
}"""


def shown_count(page) -> int:
    caption = page.get_by_text("events shown").first.inner_text()
    return int(caption.split(" · ")[1].split(" of ")[0])


@pytest.mark.browser
def test_a_shared_link_with_every_filter_reproduces_the_view(browser_context, corpus_server,
                                                               fixture_tables_dir):
    from datetime import date

    from dashboard.data import read_tables
    from dashboard.filters import Filters, select

    ix = read_tables(fixture_tables_dir).index
    want = int(select(ix, Filters(
        date_from=date(2019, 10, 20), date_to=date(2019, 10, 31), actors=("Zalmay Khalilzad",),
        places=("Kabul (AF)", "Moscow (RU)"), event_types=("briefing", "talks"),
        statuses=("held",), publishers=("Kabul Courier",), text="this week",
        venues=("Kabul (AF)",), focus_actors=("Ashraf Ghani",))).events.sum())
    assert 0 < want < ix.n_events  # every filter counts, and something is left
    page = browser_context.new_page()
    page.goto(f"{corpus_server}/?{urlencode(FULL_LINK, doseq=True)}")
    page.get_by_text("events shown").wait_for(timeout=60_000)
    page.get_by_text("Showing venue").wait_for(timeout=15_000)
    wait_rows(page, want)
    assert shown_count(page) == want
    assert page.evaluate(WIDGETS) == {
        "dates": ["2019-10-20", "2019-10-31"], "undated": True, "actor": ["Zalmay Khalilzad"],
        "place": ["Kabul (AF)", "Moscow (RU)"],
        "type": ["briefing", "talks"], "status": ["held"], "source": ["Kabul Courier"],
        "q": "this week", "count": ["mentions"]}
    assert page.get_by_text("Showing venue Kabul (AF) and actor Ashraf Ghani").count() == 1
    assert page.locator('[data-testid="stAlertContentWarning"]').count() == 0
    assert parse_qs(urlsplit(page.url).query) == FULL_LINK  # nothing dropped on the way
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=OUTPUT / "shared-link-full.png", full_page=True)
    page.close()


@pytest.mark.browser
def test_a_garbage_link_opens_the_default_view_with_a_notice(browser_context, corpus_server,
                                                              fixture_tables_dir):
    events = pd.read_csv(fixture_tables_dir / "events.csv", dtype=str, keep_default_na=False)
    page = browser_context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{corpus_server}/?{urlencode(GARBAGE_LINK, doseq=True)}")
    page.get_by_text("events shown").wait_for(timeout=60_000)
    wait_rows(page, events["event_id"].nunique())
    assert shown_count(page) == events["event_id"].nunique()
    assert page.locator('[data-testid="stException"]').count() == 0
    notice = page.locator('[data-testid="stAlertContentWarning"]').inner_text()
    for key in GARBAGE_LINK:
        assert key in notice, key
    assert "<script>window.__pwned=1</script>" in notice  # shown, not run
    assert "a" * 100 not in notice  # the 10 kB are shortened
    page.wait_for_function("() => document.querySelector('.st-key-q input').value === ''",
                           timeout=15_000)  # the 10 kB search is emptied, not just ignored
    assert page.locator('[data-testid="stAlertContentWarning"]').count() == 1  # still said
    widgets = page.evaluate(WIDGETS)
    assert widgets["actor"] == widgets["place"] == widgets["source"] == []
    assert widgets["type"] == widgets["status"] == [] and widgets["count"] == ["events"]
    assert page.get_by_text("Showing venue").count() == 0
    assert not {"venue", "focus", "q"} & set(parse_qs(urlsplit(page.url).query))
    assert dialogs == [] and page.evaluate("() => window.__pwned") is None
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=OUTPUT / "shared-link-garbage.png")
    page.close()


# --- the timeline -------------------------------------------------------------------------------
# The timeline's bins from the figure plotly drew: events per dated bin, the undated bar, and
# the x axis's tick spacing.
TIMELINE = """() => {
  const gd = document.querySelector('[class*="st-key-timeline"] .js-plotly-plot');
  if (!gd || !gd._fullData) return null;
  const bins = {};
  let undated = 0;
  for (const t of gd._fullData.filter(t => t.type === 'bar')) {
    t.y.forEach((y, i) => {
      if (t.xaxis === 'x2') undated += y; else bins[t.x[i]] = (bins[t.x[i]] || 0) + y;
    });
  }
  return {bins, undated, dtick: gd._fullLayout.xaxis.dtick,
          per: gd._fullLayout.yaxis.title.text,
          total: Object.values(bins).reduce((a, b) => a + b, 0) + undated};
}"""


def timeline(page, total: int | None = None) -> dict:
    """The timeline once it shows ``total`` events (any, if None)."""
    page.wait_for_function(f"() => {{ const t = ({TIMELINE})(); return t && "
                           f"({total is None and 'true' or f't.total == {total}'}); }}",
                           timeout=15_000)
    return page.evaluate(TIMELINE)


@pytest.mark.browser
def test_the_timeline_follows_clicks_and_filters_and_rebins(browser_context, corpus_server,
                                                              fixture_tables_dir):
    page, events = open_with_network(browser_context, corpus_server, fixture_tables_dir)
    every = timeline(page, events["event_id"].nunique())
    dated = events[events["date_start"] != ""].drop_duplicates("event_id")
    assert every["undated"] == events["event_id"].nunique() - len(dated)

    # The day/week/month switch changes the bins and their ticks, not the events.
    seen = {}
    for granularity in ("day", "week", "month"):
        page.locator('[class*="st-key-bin_"] button', has_text=granularity).click()
        page.wait_for_function(f"() => ({TIMELINE})().per == 'events per {granularity}'",
                               timeout=15_000)
        seen[granularity] = timeline(page, every["total"])
    assert len({tuple(sorted(s["bins"])) for s in seen.values()}) == 3, seen
    assert seen["week"]["dtick"] == 7 * 86_400_000 and seen["month"]["dtick"] == "M1", seen
    assert len(seen["day"]["bins"]) > len(seen["month"]["bins"])
    assert all(s["total"] == every["total"] for s in seen.values())

    # A click on Kabul: only Kabul's events.
    kabul = events[events["place"] == "Kabul"]
    click_marker(page, float(kabul["lon"].iloc[0]), float(kabul["lat"].iloc[0]))
    page.get_by_text("Showing venue").wait_for(timeout=15_000)
    assert timeline(page, kabul["event_id"].nunique())["undated"] == 0
    page.get_by_role("button", name="Clear selection").click()
    timeline(page, every["total"])

    # A filter: talks only.
    page.locator(".st-key-type button", has_text="talks").click()
    talks = events[events["event_type"] == "talks"]["event_id"].nunique()
    assert timeline(page, talks)["total"] == talks < every["total"]
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=OUTPUT / "timeline-talks.png", full_page=True)
    page.close()

