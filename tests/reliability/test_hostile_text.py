"""Hostile text: escaped in the reader (checked in a real browser), formulas defused in the
dashboard's downloads but kept raw in the ETL's tables, uploads that never become paths."""

from __future__ import annotations

import csv
import io
import re
import stat
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.export import DANGEROUS_FIRST, to_csv_bytes
from dashboard.labels import unreversed
from dashboard.reader import escape_markdown, highlight
from dashboard.uploads import save_uploads
from etl.run import build_tables
from tests.browser_support import (
    CHROMIUM,
    CHROMIUM_FLAGS,
    OwnHostOnly,
    require_browser,
    streamlit_server,
)

PAYLOADS = ("<script>alert(1)</script>", '<img src=x onerror="window.__pwned=1;alert(2)">',
            "![pixel](http://127.0.0.1:9/pixel.png)", "[click](javascript:alert(3))",
            "=HYPERLINK(\"http://127.0.0.1:9/?\"&A1)", "<!--", "&lt;b&gt;", "</div></mark>")
HOSTILE = (
    "Title: <script>alert(1)</script> <img src=x onerror=\"window.__pwned=1;alert(2)\"> talks\n"
    "Source: =HYPERLINK(\"http://127.0.0.1:9/\") ![pixel](http://127.0.0.1:9/pixel.png)\n\n"
    "KABUL: US envoy Zalmay Khalilzad met President Ashraf Ghani in Kabul on Monday. "
    "<script>alert(4)</script>\n"
    "They discussed <img src=x onerror=\"window.__pwned=1;alert(5)\"> the peace talks.\n"
)


class Tags(HTMLParser):
    """Every start tag in a piece of HTML, with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def start_tags(markup: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Tags()
    parser.feed(markup)
    parser.close()
    return parser.tags


# --- the reader's HTML ------------------------------------------------------------------------

SPANS = st.lists(st.tuples(st.integers(-5, 80), st.integers(-5, 80),
                           st.sampled_from(["person", "place", "<b>", '"><img src=x>']),
                           st.text(max_size=10)), max_size=8)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(text=st.one_of(st.text(max_size=80), st.lists(st.sampled_from(PAYLOADS + ("a", " ")),
                                                     max_size=12).map("".join)),
       spans=SPANS, focus=st.none() | st.tuples(st.integers(-5, 90), st.integers(-5, 90)))
def test_reader_html_has_only_its_own_tags(text: str, spans: list, focus) -> None:
    mentions = pd.DataFrame(spans, columns=["start", "end", "kind", "name"])
    markup = highlight(text, mentions, focus=focus)
    tags = start_tags(markup)
    assert {tag for tag, _ in tags} <= {"div", "mark", "span", "br"}
    assert all(set(attrs) <= {"style", "title"} for _, attrs in tags)
    # The text reads back exactly: every character escaped, none lost (bidi controls shown).
    plain = re.sub(r"<[^>]*>", "", markup.replace("<br>", "\n"))
    assert plain.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace(
        "&#x27;", "'").replace("&amp;", "&") == unreversed(text)


@given(st.text(max_size=60) | st.sampled_from(["a\u202eb", "\u2066x\u2069"]))
def test_markdown_escape_leaves_no_live_markup(text: str) -> None:
    escaped = escape_markdown(text)
    assert not re.search(r"(?<!\\)[<>\[\]()`*_!]", escaped)
    assert not re.search("[\u202a-\u202e\u2066-\u2069]", escaped)  # nothing drawn reversed


# --- downloads and the ETL's own CSV ------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=12) | st.sampled_from(PAYLOADS + ("-3", "+1", "@x", "\t=1")),
                min_size=1, max_size=6),
       st.lists(st.floats(-180, 180, allow_nan=False), min_size=6, max_size=6))
def test_downloads_defuse_every_formula_and_keep_the_rest(cells: list[str],
                                                          numbers: list[float]) -> None:
    frame = pd.DataFrame({"text": cells, "lat": numbers[: len(cells)]})
    rows = list(csv.reader(io.StringIO(to_csv_bytes(frame).decode("utf-8-sig"), newline="")))
    assert rows[0] == ["text", "lat"]
    for (got, lat), want, number in zip(rows[1:], cells, numbers, strict=False):
        assert not got.startswith(DANGEROUS_FIRST)
        assert got == ("'" + want if want.startswith(DANGEROUS_FIRST) else want)
        assert float(lat) == number  # coordinates stay numbers, "-33.9" is not defused


def test_etl_csv_stays_raw_data(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    build_tables([tmp_path / "in"], tmp_path / "out")
    articles = pd.read_csv(tmp_path / "out" / "articles.csv", dtype=str, keep_default_na=False)
    assert articles["publisher"].iloc[0].startswith("=HYPERLINK(")
    assert articles["title"].iloc[0].startswith("<script>alert(1)</script>")


# --- uploads -------------------------------------------------------------------------------------


@dataclass
class Lying:
    """An upload whose claimed size is smaller than its content."""

    name: str
    data: bytes
    size: int = 10

    def getvalue(self) -> bytes:
        return self.data


@pytest.mark.parametrize("name", [
    "../../etc/passwd.txt", "/etc/passwd.txt", "..\\..\\windows\\win.ini.txt", "a\x00b.txt",
    "~/.bashrc.md", "CON.txt", "x" * 5000 + ".txt", "new\nline.csv", ".hidden.jsonl",
    "[x](javascript:alert(1)).html",
])
def test_upload_names_are_never_paths(tmp_path: Path, name: str) -> None:
    root = tmp_path / "uploads"
    root.mkdir()
    folder, saved, problems = save_uploads([Lying(name, b"KABUL: Envoys met.", 18)], root=root)
    assert problems == [] and len(saved) == 1
    assert saved[0].path.parent == folder and folder.parent == root
    assert re.fullmatch(r"upload_0000\.(txt|md|csv|jsonl|html)", saved[0].path.name)
    assert saved[0].original == name  # kept for messages only
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700  # private to this user
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == [saved[0].path.name]


def test_upload_size_is_measured_not_believed(tmp_path: Path) -> None:
    folder, saved, problems = save_uploads([Lying("big.txt", b"x" * (2 * 1024 * 1024))],
                                           max_mb=1, root=tmp_path)
    assert saved == [] and len(problems) == 1 and "larger than 1 MB" in problems[0]
    assert list(folder.iterdir()) == []


def test_upload_problems_show_names_literally(tmp_path: Path) -> None:
    _, _, problems = save_uploads([Lying("![p](http://127.0.0.1:9/p.png).exe", b"MZ")],
                                  root=tmp_path)
    assert "![p]" not in problems[0] and "\\!\\[p\\]" in problems[0]


# --- in a real browser ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_tables(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = tmp_path_factory.mktemp("hostile-in")
    (src / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    out = tmp_path_factory.mktemp("hostile-tables")
    build_tables([src], out)
    return out


@pytest.mark.browser
def test_hostile_article_is_shown_literally_and_runs_nothing(
        hostile_tables: Path, tmp_path: Path) -> None:
    require_browser()
    from playwright.sync_api import sync_playwright

    events = pd.read_csv(hostile_tables / "events.csv", dtype=str, keep_default_na=False)
    assert not events.empty, "the hostile article must yield an event to open in the reader"
    dialogs: list[str] = []
    with streamlit_server(hostile_tables, tmp_path / "server.log") as url, \
            sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS,
                                    headless=True)
        context = browser.new_context(viewport={"width": 1440, "height": 2000})
        guard = OwnHostOnly()
        guard.allow(url)
        guard.attach(context)  # the pixel on 127.0.0.1:9 is another origin: refused, recorded
        page = context.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(url)
        grid = page.locator('[class*="st-key-events_table"] [data-testid="stDataFrameResizable"]')
        grid.wait_for(timeout=60_000)
        grid.scroll_into_view_if_needed()  # below the network, past the first screen
        page.wait_for_timeout(300)
        box = grid.bounding_box()
        assert box is not None
        page.mouse.click(box["x"] + 16, box["y"] + 35 + 17)  # the first row's selector
        page.locator("mark[title='person: Zalmay Khalilzad']").first.wait_for(timeout=20_000)
        page.wait_for_timeout(500)  # give any injected handler the chance to fire

        assert dialogs == []
        assert page.evaluate("() => window.__pwned") is None
        assert page.evaluate("""() => [...document.querySelectorAll('img')]
            .filter(i => /pixel|^x$/.test(i.getAttribute('src') || ''))
            .map(i => i.parentElement.outerHTML)""") == []
        assert page.evaluate("""() => [...document.querySelectorAll('script')]
            .filter(s => s.textContent.includes('alert(')).length""") == 0
        assert page.locator("a[href^='javascript']").count() == 0
        assert not [u for u in requests if "pixel" in u or ":9/" in u]
        assert guard.refused == [], guard.refused
        body = page.locator("body").inner_text()
        for literal in ("<script>alert(4)</script>", 'onerror="window.__pwned=1;alert(5)">',
                        "<script>alert(1)</script>"):
            assert literal in body, literal
        page.screenshot(path=tmp_path / "hostile.png", full_page=True)
        browser.close()
