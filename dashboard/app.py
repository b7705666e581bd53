"""Parley dashboard: who met whom, where and when. Run with `streamlit run dashboard/app.py`.

The page only lays out widgets and views; loading lives in ``data``/``build``, filtering in
``filters``, counting in ``aggregate``, figures in ``charts`` and downloads in ``export``.
Settings: PARLEY_DATA (tables folder, default ``data/``), PARLEY_SEEDS (corpus built into it
when missing or stale, default ``seeds/``; empty to never build).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any, Literal, cast

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `streamlit run` puts only dashboard/ on the path
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import streamlit as st  # noqa: E402
from streamlit.errors import StreamlitAPIException  # noqa: E402

from dashboard import (  # noqa: E402
    aggregate,
    charts,
    data,
    detail,
    export,
    geomap,
    labels,
    network,
    reader,
    selection,
    uploads,
    urlstate,
)
from dashboard.build import EtlUnavailableError, ensure_tables, run_etl  # noqa: E402
from dashboard.filters import (  # noqa: E402
    Filters,
    hidden_undated,
    mention_count,
    mention_rows,
    row_count,
    select,
)
from dashboard.index import EventIndex  # noqa: E402

# Plotly fetches its world outline from a CDN by default; serve ours from dashboard/static.
MAP_CONFIG = {"topojsonURL": "/app/static/topojson/", "displaylogo": False,
              "modeBarButtonsToRemove": ["select2d", "lasso2d"]}
BAR_CONFIG = {"displaylogo": False, "displayModeBar": False}
CORPORA = ("Seed corpus", "My uploads", "Both")
# Streamlit wraps cell text only in rows taller than 4rem: three lines, so the sentence is
# read in the table instead of being cut after forty characters.
ROW_HEIGHT = 68
SENTENCE_WIDTH = 380
PAGE_ROWS = aggregate.PAGE_ROWS
ACTOR_ROWS = 500  # actors listed with their surface forms
TITLE_CHARS = 200  # of an article title shown as a heading
CHECK_SECONDS = 5  # how often an open page looks for newer tables on disk
CountBy = Literal["events", "mentions"]


def counted(n: int, noun: str) -> str:
    """"1 article", "3 articles"."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def data_dir() -> Path:
    return Path(os.environ.get("PARLEY_DATA") or ROOT / "data")


def seeds_dir() -> Path | None:
    value = os.environ.get("PARLEY_SEEDS", str(ROOT / "seeds"))
    return Path(value) if value else None


def progress_bar(label: str):
    """A callback for the ETL's ``progress(done, total)``; the bar appears on the first call."""
    slot = st.empty()

    def update(done: int, total: int | None) -> None:
        if total:  # None while the ETL cannot know the count (jsonl, csv inputs)
            slot.progress(min(done / total, 1.0), text=f"{label}: {done} of {total}")
        else:
            slot.progress(0.5, text=f"{label}: {done} so far")

    return update


def load_seed_tables() -> data.Tables | None:
    """The seed tables, built first (with a spinner) when missing or older than the articles."""
    folder = data_dir()
    try:
        with st.spinner("Building the tables from the seed articles (first start only)…"):
            ensure_tables(folder, seeds_dir(), progress_bar("Reading articles"))
        shown = data.signature(folder)
        tables = data.load_tables(str(folder), shown)
        offer_newer_tables(str(folder), shown)
        return tables
    except (EtlUnavailableError, data.MissingTablesError) as exc:
        st.error(str(exc))
    except Exception as exc:  # a broken table must not become a traceback on screen
        st.error(f"Could not read the tables in {folder}: {exc}. Rebuild them with "
                 "`python -m etl seeds --out data`.")
    return None


@st.fragment(run_every=CHECK_SECONDS)
def offer_newer_tables(folder: str, shown: tuple[tuple[str, int, int], ...]) -> None:
    """Say so when the tables on disk change under the open page (a new ETL run, or
    `python -m etl --watch` taking in new articles) and load them when asked, rather than
    changing the page under the user's eyes."""
    try:
        if data.signature(folder) == shown:
            return
    except OSError:  # a table being renamed into place: look again next time
        return
    with st.container(border=True):
        st.markdown(f"**The tables in `{folder}` were updated** since this page loaded them.")
        if st.button("Show the new tables", key="reload_tables", type="primary"):
            st.rerun(scope="app")


def sidebar_uploads() -> data.Tables | None:
    """Upload articles, run the ETL on them in a temp folder; returns their tables if any."""
    with st.sidebar.expander("Bring your own articles", expanded=False):
        files = st.file_uploader(
            "Articles", type=list(uploads.ALLOWED), accept_multiple_files=True,
            key="upload_files", max_upload_size=uploads.MAX_FILE_MB,
            help="Plain text, Markdown, HTML, JSON Lines or CSV exports; "
                 f"up to {uploads.MAX_FILE_MB} MB each.")
        if files and st.button("Process uploaded files", key="upload_go", type="primary"):
            folder, saved, problems = uploads.save_uploads(files)
            for problem in problems:
                st.warning(problem)
            if saved:
                out = folder / "tables"
                try:
                    summary = run_etl([s.path for s in saved], out,
                                      progress_bar("Processing articles"))
                except EtlUnavailableError as exc:  # says how to install the ETL
                    shutil.rmtree(folder, ignore_errors=True)
                    st.error(str(exc))
                except Exception as exc:
                    shutil.rmtree(folder, ignore_errors=True)
                    st.error(f"Processing failed: {str(exc).rstrip('.')}. Check the files' "
                             "format and retry.")
                else:
                    previous = st.session_state.get("upload_tables")
                    if previous:  # one upload folder per session
                        shutil.rmtree(Path(previous).parent, ignore_errors=True)
                    st.session_state["upload_tables"] = str(out)
                    # Events as the page counts them (one per meeting, however many reports
                    # and participants), not the table's rows.
                    mine = data.load_tables(str(out), data.signature(str(out)))
                    st.success(f"{counted(summary.n_articles, 'article')}, "
                               f"{counted(mine.index.n_events, 'event')}.")
                    for path, error in summary.errors:
                        name = next((s.original for s in saved if str(s.path) == str(path)),
                                    Path(path).name)
                        st.warning(uploads.shown(name) + ": " + reader.escape_markdown(error))
            else:
                shutil.rmtree(folder, ignore_errors=True)
    out_dir = st.session_state.get("upload_tables")
    if not out_dir or not Path(out_dir).is_dir():
        return None
    return data.load_tables(out_dir, data.signature(out_dir))


@st.cache_resource(max_entries=2, show_spinner="Putting the seed corpus and your uploads "
                   "together…")
def combined(_seed: data.Tables, _mine: data.Tables, folders: tuple[str, str],
             key: tuple) -> data.Tables:
    """Seed and uploads as one corpus, kept (and encoded) once while neither changes.

    ``folders`` are where each was read from (what a large corpus's combination writes beside
    them lasts as long as they do); ``key`` names their files; the tables themselves are not
    hashed (too big).
    """
    return data.combine([_seed, _mine], sources=[Path(folder) for folder in folders])


def choose_corpus(seed: data.Tables | None, mine: data.Tables | None) -> data.Tables | None:
    """Seed, uploads or both, as the user picks (only offered once something was uploaded)."""
    if mine is None:
        return seed
    if seed is None:
        return mine
    choice = st.sidebar.radio("Corpus", CORPORA, index=2, key="corpus", horizontal=True)
    if choice == "Seed corpus":
        return seed
    if choice == "My uploads":
        return mine
    uploaded = st.session_state.get("upload_tables", "")
    return combined(seed, mine, (str(data_dir()), uploaded),
                    (data.signature(data_dir()), data.signature(uploaded)))


def date_bounds(ix: EventIndex) -> tuple[date, date] | None:
    """The earliest and latest date of the corpus: the date picker's range."""
    bounds = ix.date_bounds()
    if bounds is None:
        return None
    return date.fromisoformat(bounds[0]), date.fromisoformat(bounds[1])


def sidebar_filters(tables: data.Tables) -> tuple[Filters, Any]:
    """The filter widgets, and a slot under the date range for what it hides; every widget is
    bound to the URL so a view can be bookmarked.

    A date range keeps the events whose dates overlap it; undated events cannot be placed in
    it, so it hides them unless *Include undated events* is ticked (one click).
    Their options come from the index, computed once per corpus, not from a million rows.
    """
    ix = tables.index
    sb = st.sidebar
    sb.header("Filters")
    date_from = date_to = None
    bounds = date_bounds(ix)
    if bounds is not None:
        ss = st.session_state
        if ss.get("date_bounds") != bounds:  # an upload or another corpus: a new range
            if "date_bounds" in ss:
                ss["dates"] = urlstate.follow_bounds(ss.get("dates"), ss["date_bounds"], bounds)
            ss["date_bounds"] = bounds
        picked = sb.date_input("Date range", value=bounds, min_value=bounds[0],
                               max_value=bounds[1], key="dates", bind="query-params",
                               help="Keeps events whose dates overlap the range.")
        if isinstance(picked, tuple | list) and len(picked) == 2 and tuple(picked) != bounds:
            date_from, date_to = picked
    hidden_slot = sb.empty()
    hide_undated = False
    if date_from is not None:
        hide_undated = not sb.checkbox(
            "Include undated events", key="undated", bind="query-params",
            help="Events the articles give no date for: a date range cannot place them.")
    # Names are listed (and written in the URL) with bidi controls shown, never reversed.
    actors = sb.multiselect("Actors", ix.options(ix.v_actor), key="actor",
                            bind="query-params", format_func=labels.unreversed,
                            help="Events with any of these participants.")
    places = sb.multiselect("Places", ix.options(ix.v_venue), key="place",
                            bind="query-params", format_func=labels.unreversed)
    types = sb.pills("Event types", ix.options(ix.v_type), key="type",
                     selection_mode="multi", bind="query-params")
    statuses = sb.pills("Status", status_options(ix), key="status", selection_mode="multi",
                        bind="query-params")
    publishers = sb.multiselect("Source", list(ix.publishers), key="source", bind="query-params",
                                format_func=labels.unreversed,
                                help="The publisher of the article.")
    if st.session_state.pop("clear_q", False):  # the run after the link seeded it
        st.session_state["q"] = ""
    text = sb.text_input("Search sentences", key="q", bind="query-params",
                         placeholder="e.g. Taliban")
    if len(text or "") > urlstate.MAX_QUERY_CHARS:  # a pasted document, not a phrase
        text = ""
        if "link_notice" in st.session_state:  # from the link: empty the box and the URL
            st.session_state["clear_q"] = True
            st.rerun()
    return Filters(date_from=date_from, date_to=date_to, hide_undated=hide_undated,
                   actors=tuple(actors), places=tuple(places), event_types=tuple(types or ()),
                   statuses=tuple(statuses or ()), publishers=tuple(publishers),
                   text=text or ""), hidden_slot


def status_options(ix: EventIndex) -> list[str]:
    present = set(ix.v_status)
    return [s for s in charts.STATUS_COLOURS if s in present]


def link_choices(ix: EventIndex) -> urlstate.Choices:
    """What each key of a shared link may hold in this corpus: the widgets' options as they
    are written in the URL (``format_func``), the clicks' raw keys."""
    def shown(values: Iterable[str]) -> set[str]:
        return {labels.unreversed(v) for v in values}

    actors, venues = set(ix.options(ix.v_actor)), set(ix.options(ix.v_venue))
    return urlstate.Choices(
        options={"actor": shown(actors), "place": shown(venues),
                 "type": set(ix.options(ix.v_type)), "status": set(status_options(ix)),
                 "source": shown(ix.publishers), "count": {"events", "mentions"},
                 "venue": venues, "focus": actors},
        actors=actors, dates=date_bounds(ix), flags=("undated",), text=("q",))


def check_link(ix: EventIndex) -> None:
    """When the page opens, name the link's values it ignores (Streamlit's widgets drop theirs
    silently) and drop the ones the page reads itself, so garbage opens the default view."""
    if st.session_state.get("link_checked"):
        if "link_notice" in st.session_state:  # shown again on the run that empties the search
            st.warning(st.session_state.pop("link_notice"))
        return
    st.session_state["link_checked"] = True
    params = {k: st.query_params.get_all(k) for k in st.query_params}
    ignored = urlstate.ignored_values(params, link_choices(ix))
    if not ignored:
        return
    for key in ("venue", "focus"):  # Streamlit seeds its widgets from the link as it came
        if key in ignored:
            try:
                kept = urlstate.usable(params[key], ignored[key])
                if kept:
                    st.query_params[key] = list(kept)
                else:
                    del st.query_params[key]
            except StreamlitAPIException:  # already bound to its widget: it drops the value
                pass
    message = urlstate.notice(ignored)
    st.warning(message)
    if "q" in ignored:
        st.session_state["link_notice"] = message


# Which charts' clicks set each focus: the actor bars and the network both pick actors.
FOCUS_CHARTS = {"venue": ("venue",), "actor": ("actor", "network")}


def focus(name: str, url_key: str) -> tuple[str, ...]:
    """The keys clicked on the charts of focus ``name``, kept in session state and mirrored in
    the URL.

    A click replaces the focus, and drops the other charts' own highlight of an older click. An
    emptied selection clears it only when the chart still shows the figure that was clicked:
    Streamlit also drops a chart's selection when its figure changes (e.g. after a click on
    another chart), and that must not lose the focus.
    """
    ss = st.session_state
    charts_of = FOCUS_CHARTS[name]
    if f"focus_{name}" not in ss:
        ss[f"focus_{name}"] = tuple(st.query_params.get_all(url_key))
        for chart in charts_of:
            ss[f"seen_{chart}"] = ()
            ss.setdefault(f"version_{chart}", 0)
    for chart in charts_of:
        clicked = selection.clicked_keys(ss.get(chart_key(chart)))
        if clicked == ss.get(f"seen_{chart}", ()):
            continue
        shown = ss.get(f"shown_{chart}")
        if clicked:
            ss[f"focus_{name}"] = clicked
            ss[f"clicked_on_{chart}"] = shown
            drop_selection(*(c for c in charts_of if c != chart))
        elif shown == ss.get(f"clicked_on_{chart}"):
            ss[f"focus_{name}"] = ()
        ss[f"seen_{chart}"] = clicked
    if ss[f"focus_{name}"]:
        st.query_params[url_key] = list(ss[f"focus_{name}"])
    elif url_key in st.query_params:
        del st.query_params[url_key]
    return ss[f"focus_{name}"]


@st.cache_resource(max_entries=64, show_spinner=False)
def figure(builder: str, *inputs: Any, **options: Any) -> tuple[Any, str]:
    """``charts.<builder>(*inputs, **options)`` and a digest of it, made once per distinct
    input. A click leaves some views' inputs as they were (the map on its own click, every
    view when the page reruns for a table row), and a figure costs tens of milliseconds to
    build and as much again to serialise. The figure is shared: never change it."""
    fig = getattr(charts, builder)(*inputs, **options)
    return fig, hashlib.sha1(fig.to_json().encode()).hexdigest()


def clickable_chart(name: str, made: tuple[Any, str], config: dict) -> None:
    """A chart whose clicks filter the page (``made`` by ``figure``); remembers which figure
    the user is looking at."""
    fig, digest = made
    st.session_state[f"shown_{name}"] = digest
    st.plotly_chart(fig, key=chart_key(name), on_select="rerun", selection_mode="points",
                    config=config)


def chart_key(name: str) -> str:
    """A chart's widget key; bumping the version drops its on-screen selection."""
    return f"{name}_chart_{st.session_state.get(f'version_{name}', 0)}"


def drop_selection(*charts: str) -> None:
    """Forget the charts' on-screen selections (a new widget key starts unselected)."""
    for chart in charts:
        st.session_state[f"seen_{chart}"] = ()
        st.session_state[f"version_{chart}"] = st.session_state.get(f"version_{chart}", 0) + 1


def clear_focus(*names: str) -> None:
    for name in names:
        st.session_state[f"focus_{name}"] = ()
        drop_selection(*FOCUS_CHARTS[name])


def focus_bar(f: Filters) -> None:
    """What the clicks selected, with a button to reset it."""
    if not (f.venues or f.focus_actors):
        st.caption("Click a venue on the map, an actor's bar or node, or a line between two "
                   "actors, to filter every view.")
        return
    parts = []
    if f.venues:
        parts.append("venue **" + reader.escape_markdown(", ".join(f.venues)) + "**")
    if f.focus_actors:
        parts.append("actor **" + reader.escape_markdown(", ".join(
            a.replace(selection.PAIR_SEP, " with ") for a in f.focus_actors)) + "**"
            + (" (their shared events)" if any(selection.PAIR_SEP in a
                                                for a in f.focus_actors) else ""))
    left, right = st.columns([5, 1])
    left.markdown("Showing " + " and ".join(parts) + ". Double-click the chart or press "
                  "*Clear selection* to see everything again.")
    right.button("Clear selection", key="clear_focus", on_click=clear_focus,
                 args=("venue", "actor"), width="stretch")


def map_view(tables: data.Tables, mask: np.ndarray) -> None:
    """Venues of held events, computed without the map's own click so others stay clickable
    (and the figure, hence plotly's own highlight of the clicked marker, stays put)."""
    st.subheader("Meeting venues")
    places = tables.index.for_mask("venues", mask, aggregate.venues_of)
    if places.empty:
        st.info("No held event with a known venue matches these filters.")
        return
    cities = geomap.cities_at(places, tables.city_names)
    clickable_chart("venue", figure("venue_map", places, cities=cities), MAP_CONFIG)
    st.caption(f"{len(places)} venues of held events. Marker area: number of events; sites "
               "are drawn at their city. Only the biggest are labelled: hover for the others.")


def actor_view(ix: EventIndex, mask: np.ndarray) -> None:
    st.subheader("Most frequent actors")
    unit = st.segmented_control("Count", ["events", "mentions"], default="events",
                                key="count", bind="query-params", required=True,
                                label_visibility="collapsed") or "events"
    counts = ix.for_mask(f"actors by {unit}", mask,
                         partial(aggregate.actor_counts_of, by=cast(CountBy, unit)))
    if counts.empty:
        st.info("No actors in the current selection.")
        return
    clickable_chart("actor", figure("actor_bars", counts, unit=unit), BAR_CONFIG)


def timeline_view(ix: EventIndex, mask: np.ndarray, hidden: int = 0) -> None:
    """Events per period, and the undated ones in a bar of their own; ``hidden`` undated
    events left out by the date range are counted under it."""
    st.subheader("Timeline")
    auto = aggregate.granularity_of(ix, mask)
    granularity = st.segmented_control(
        "Bin by", ["day", "week", "month"], default=auto, key=f"bin_{auto}",
        label_visibility="collapsed", required=True,
        help="Preset to the coarsest date precision in the selection, so an event dated "
             "'in October' is not drawn on 1 October.") or auto
    periods = ix.for_mask(f"timeline by {granularity}", mask, partial(
        aggregate.timeline_of, granularity=cast(aggregate.Granularity, granularity)))
    undated = aggregate.undated_by_status_of(ix, mask)
    if periods.empty and undated.empty:
        st.info("No events in the selection.")
        return
    st.plotly_chart(figure("timeline_chart", periods, granularity, undated)[0], key="timeline",
                    config=BAR_CONFIG)
    if hidden:
        st.caption(f"{hidden} undated event(s) hidden by the date range: tick *Include undated "
                   "events* in the sidebar to add them.")
    elif not undated.empty:
        st.caption(f"{int(undated['n_events'].sum())} event(s) have no date in the articles: "
                   "the *undated* bar.")


def network_view(ix: EventIndex, mask: np.ndarray) -> None:
    """Who met whom, computed like the actor bars without their own click, so every node
    stays clickable and plotly keeps the clicked one highlighted."""
    st.subheader("Who met whom")
    net = ix.for_mask("network", mask, network.network_of)
    if len(net.nodes) < 2:
        st.info("No two actors shared a held event in the selection.")
        return
    clickable_chart("network", figure("network_chart", net), BAR_CONFIG)
    left_out = net.n_linked - len(net.nodes)
    st.caption(
        f"The {len(net.nodes)} actors with most shared held events"
        + (f" ({left_out} more who met someone are left out)" if left_out else "")
        + (f"; {net.n_alone} actor(s) who met no one in the selection are not drawn"
           if net.n_alone else "")
        + ". A line joins two actors who took part in the same event, thicker for more; hover "
        "it for the events. Click an actor, or a line's middle, to filter the page.")


def csv_payload(tables: data.Tables, name: str, n: int, positions: Callable[[], np.ndarray]):
    """The CSV of ``n`` rows of one table (``positions`` finds them): now for small selections;
    for large ones, and for a table mapped from disk (whose rows are read from the file), the
    rows are found, taken and written only when the user clicks."""
    if n <= export.EAGER_CSV_ROWS and name not in tables.mapped:
        return export.to_csv_bytes(tables.take(name, positions()))
    return lambda: export.to_csv_bytes(tables.take(name, positions()))


def page_number(n_events: int, digest: str) -> int:
    """Which page of the table to show; a new selection starts again at page 1."""
    pages = -(-n_events // PAGE_ROWS)
    if pages <= 1:
        return 1
    return int(st.number_input(f"Page (of {pages}, {PAGE_ROWS:,} events each)", min_value=1,
                               max_value=pages, value=1, step=1, key=f"page_{digest}"))


def events_view(tables: data.Tables, mask: np.ndarray, f: Filters) -> None:
    """The events table (one row per event), the downloads (one row per report and actor),
    and the detail of a picked event."""
    ix = tables.index
    n_rows, n_mentions = row_count(ix, mask), mention_count(ix, mask)
    n_events = int(mask.sum())
    head, dl1, dl2 = st.columns([3, 1, 1], vertical_alignment="bottom")
    head.subheader(f"Events ({n_events})")
    dl1.download_button("Download events CSV", csv_payload(tables, "events", n_rows,
                                                        partial(ix.rows, mask)),
                        file_name=export.file_name("events", f), mime="text/csv",
                        key="dl_events", on_click="ignore", width="stretch",
                        help=f"{n_rows} rows, one per report and actor: event_id, "
                             "report_id and article_id keep both levels")
    dl2.download_button("Download mentions CSV", csv_payload(tables, "mentions", n_mentions,
                                                           partial(mention_rows, ix, mask)),
                        file_name=export.file_name("mentions", f), mime="text/csv",
                        key="dl_mentions", on_click="ignore", width="stretch",
                        help=f"{n_mentions} mentions in the sentences of these events")
    digest = hashlib.sha1(repr(f).encode()).hexdigest()[:10]
    page = page_number(n_events, digest)
    summary = aggregate.summary_of(ix, mask, (page - 1) * PAGE_ROWS, page * PAGE_ROWS)
    columns = ["date", "place", "participants", "event_type", "status", "n_sources",
               "reported_by", "sentence", "title"]
    if not (summary["reported_by"] != "").any():  # no article of the page names its publisher
        columns.remove("reported_by")
    shown = labels.unreversed_frame(summary[columns])
    picked = st.dataframe(
        shown, key=table_key(f"{digest}_{page}"), on_select="rerun", selection_mode="single-row",
        hide_index=True, width="stretch", row_height=ROW_HEIGHT,
        height=38 + ROW_HEIGHT * max(1, min(len(shown), 10)),  # ten rows, as with short rows
        column_config={**text_columns(shown.columns.drop("n_sources")),
                       "sentence": st.column_config.TextColumn(
                           "Sentence", width=SENTENCE_WIDTH,
                           help="The sentence the event was read from; select the row to "
                                "read it whole in its article"),
                       "n_sources": st.column_config.NumberColumn(
                           "Sources", width="small", help="Articles that reported the event")})
    picked_rows = picked.selection.rows if picked is not None else []
    if not picked_rows:
        st.caption("Select a row to see the event's reports, the reasons behind it and its "
                   "articles with the entities highlighted.")
        return
    event_detail(tables, summary.iloc[picked_rows[0]])


def table_key(rows: str) -> str:
    """The events table's widget key while it shows ``rows`` (the filters and page).

    The key outlives a click, so the browser refills the table it has rather than building a
    new one (120-200 ms of a click, to idle, on 1M rows). Streamlit keeps a row selection when the
    rows change under it, so a table with a row selected gets a new, unselected key when they
    do: the selection never points at another event.
    """
    ss = st.session_state
    key = ss.get("events_table_key", "events_table_0")
    state = ss.get(key)
    if ss.get("events_table_rows", rows) != rows and state and state["selection"]["rows"]:
        key = f"events_table_{int(key.rpartition('_')[2]) + 1}"
    ss["events_table_key"], ss["events_table_rows"] = key, rows
    return key


# Headings and widths of the text columns of the events and reports tables.
TEXT_COLUMNS: dict[str, tuple[str, Literal["small", "medium", "large"] | int]] = {
    "date": ("Date", 96), "place": ("Place", 120), "status": ("Status", "small"),
    "event_type": ("Type", "small"), "participants": ("Participants", "medium"),
    "reported_by": ("Reported by", "small"), "published": ("Published", "small"),
    "publisher": ("Publisher", "medium"), "title": ("Article", "medium"),
    "actors": ("Actors", "medium"), "sentence": ("Sentence", "large"),
}


def text_columns(names: Iterable[str]) -> dict[str, Any]:
    return {n: st.column_config.TextColumn(TEXT_COLUMNS[n][0], width=TEXT_COLUMNS[n][1])
            for n in names}


def event_detail(tables: data.Tables, event: pd.Series) -> None:
    """One event expanded: its reports, why it was built as it was, its actors' names, and the
    article of the report the user picks (the first one until then)."""
    ix = tables.index
    code = int(event["event_code"])
    rows = tables.take("events", ix.event_rows(code))
    one = np.zeros(ix.n_events, dtype=bool)
    one[code] = True
    mentions = tables.take("mentions", mention_rows(ix, one))
    articles = tables.articles_of(rows["article_id"])
    reports = detail.reports_of(rows, articles)
    n = len(reports["article_id"].unique())
    place = labels.shown(event["place"], labels.LABEL_CHARS) or "an unknown place"
    title = (f"{labels.shown(event['event_type'], labels.LABEL_CHARS)} in {place}, "
             f"{event['date']} · {counted(n, 'source')}")
    st.markdown("#### " + reader.escape_markdown(title))
    st.markdown(f"**Reports ({len(reports)})**: select one to read its article below.")
    key = "reports_" + hashlib.sha1(str(event["event_id"]).encode()).hexdigest()[:10]
    shown = labels.unreversed_frame(reports[["published", "publisher", "title", "status", "date",
                                              "place", "actors", "sentence"]])
    picked = st.dataframe(
        shown, key=key, on_select="rerun", selection_mode="single-row", hide_index=True,
        width="stretch", column_config=text_columns(shown.columns))
    left, right = st.columns(2, gap="medium")
    with left:
        st.markdown("**Why**")
        reasons = detail.reasons_of(rows, mentions, articles)
        if reasons.empty:
            st.caption("No choice among candidates was recorded for this event.")
        else:
            st.markdown(detail.reasons_markdown(reasons))
    with right:
        st.markdown("**Names its actors go by in the corpus**")
        st.dataframe(labels.unreversed_frame(detail.event_forms(rows, tables.actor_forms)),
                     hide_index=True,
                     width="stretch", key=key + "_forms",
                     column_config={
                         "actor": st.column_config.TextColumn("Actor", width="medium"),
                         "kind": st.column_config.TextColumn("Kind", width="small"),
                         "forms": st.column_config.ListColumn("Surface forms", width="medium"),
                         "n_mentions": st.column_config.NumberColumn("Mentions", width="small"),
                     })
        st.caption(f"event_id {event['event_id']}")
    chosen = picked.selection.rows if picked is not None else []
    article_view(tables, reports.iloc[chosen[0] if chosen else 0])


def article_view(tables: data.Tables, report: pd.Series) -> None:
    """The article of one report, its sentence underlined and its entities highlighted."""
    art = tables.articles_of([report["article_id"]])
    if art.empty:
        st.warning("The article of this report is not in the articles table.")
        return
    art = art.iloc[0]
    st.markdown("#### " + reader.escape_markdown(  # a 5,000-character title is no heading
        labels.shown(art["title"] or Path(art["path"]).name, TITLE_CHARS)))
    st.caption(" · ".join(reader.escape_markdown(x)
                          for x in (art["publisher"], art["published"], art["path"]) if x))
    text = art.get("text", "")
    if not text:
        st.info("The article text is only stored in the Parquet tables; showing the sentence.")
        st.text(report["sentence"])
        return
    marks = tables.article_mentions(report["article_id"])
    body = reader.highlight(text, marks, focus=reader.sentence_span(text, report["sentence"]))
    st.html(reader.legend_html() + body)


def actors_view(tables: data.Tables, mask: np.ndarray) -> None:
    """Every actor of the selection with the names the articles call them by, counted and
    drawn only while the expander is open: closed, it would still cost every click."""
    box = st.expander("Actors of these events and the names they go by", key="actors_open",
                      on_change="rerun")
    if not box.open:
        return
    counts = aggregate.actor_counts_of(tables.index, mask, top=ACTOR_ROWS)
    with box:
        if len(counts) == ACTOR_ROWS:
            st.caption(f"The {ACTOR_ROWS} most frequent.")
        st.dataframe(labels.unreversed_frame(detail.actor_table(counts, tables.actor_forms)),
                     hide_index=True,
                     width="stretch", key="actors_table",
                     column_config={
                         "actor": st.column_config.TextColumn("Actor", width="medium"),
                         "kind": st.column_config.TextColumn("Kind", width="small"),
                         "events": st.column_config.NumberColumn("Events", width="small"),
                         "forms": st.column_config.ListColumn("Surface forms", width="large"),
                         "n_mentions": st.column_config.NumberColumn(
                             "Mentions", width="small", help="In the whole corpus"),
                     })


def main() -> None:
    st.set_page_config(page_title="Parley: who met whom", page_icon="🗺️", layout="wide")
    st.title("Parley: who met whom, where and when")
    tables = choose_corpus(load_seed_tables(), sidebar_uploads())
    if tables is None:
        st.stop()
    if tables.events.empty:
        st.info("The tables hold no events yet. Add articles in the sidebar or rebuild with "
                "`python -m etl seeds --out data`.")
        st.stop()
    check_link(tables.index)
    picked, hidden_slot = sidebar_filters(tables)
    hidden = hidden_undated(tables.index, picked)
    if hidden:
        hidden_slot.caption(f"The date range hides **{hidden}** undated event(s).")
    views(tables, picked)
    if not tables.errors.empty:
        with st.expander(f"{len(tables.errors)} file(s) skipped by the ETL"):
            st.dataframe(tables.errors, hide_index=True)


@st.fragment
def views(tables: data.Tables, picked: Filters) -> None:
    """Everything a click changes. A click on a chart, the table or a view's own control
    reruns only this fragment: the tables, the sidebar and its filters stay as they are."""
    venue, actor = focus("venue", "venue"), focus("actor", "focus")
    f = replace(picked, venues=venue, focus_actors=actor)
    ix = tables.index
    chosen = select(ix, f)
    hidden = chosen.hidden_undated
    st.caption(f"{counted(tables.articles.shape[0], 'article')} · {int(chosen.events.sum())} of "
               f"{ix.n_events} events shown"
               + (f" · {hidden} undated hidden by the date range" if hidden else ""))
    focus_bar(f)
    left, right = st.columns([3, 2], gap="medium")
    with left:
        map_view(tables, chosen.map)
    with right:
        actor_view(ix, chosen.actors)
    if not chosen.events.any():
        st.info("No events match these filters. Widen the date range, clear some filters "
                "or press 'Clear selection'.")
        return
    timeline_view(ix, chosen.events, hidden)
    network_view(ix, chosen.actors)
    events_view(tables, chosen.events, f)
    actors_view(tables, chosen.events)


main()
