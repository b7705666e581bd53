"""What figures and tables draw of a hostile name: escaped, unreversed, cut; keys raw."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from dashboard import aggregate, charts, labels, network
from dashboard.index import build_index
from dashboard.selection import PAIR_SEP

IMG = "<img src=x onerror=window.__pwned=1>"
RTL = "Abdullah \u202eAbdullah"
LONG = "Imran " + "Khan " * 999


def test_plain_escapes_unreverses_and_cuts():
    assert labels.plain(IMG) == "&lt;img src=x onerror=window.__pwned=1&gt;"
    assert labels.plain(RTL) == "Abdullah \ufffdAbdullah"
    for control in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069":
        assert control not in labels.plain(f"a{control}b")
    assert len(labels.plain(LONG, 40)) == 40 and labels.plain(LONG, 40).endswith("…")
    assert labels.plain("a\nb<br>c") == "a b&lt;br&gt;c"
    assert labels.shown(IMG) == IMG  # measured as drawn


def test_distinct_labels_for_names_sharing_a_long_prefix():
    names = [LONG + "a", LONG + "b", LONG + "c", "Taliban"]
    drawn = labels.distinct(names, 30)
    assert len(set(drawn)) == 4 and all(len(d) <= 30 for d in drawn)
    assert drawn[1].endswith("(2)") and drawn[3] == "Taliban"


def test_unreversed_frame_keeps_the_data_and_shows_no_override():
    frame = pd.DataFrame({"name": [RTL, "x"], "n": [1, 2], "forms": [[RTL], ["y"]]})
    shown = labels.unreversed_frame(frame)
    assert list(shown["name"]) == ["Abdullah \ufffdAbdullah", "x"]
    assert shown["forms"][0] == ["Abdullah \ufffdAbdullah"] and list(shown["n"]) == [1, 2]
    assert frame["name"][0] == RTL  # the caller's frame is untouched


def hostile_events() -> pd.DataFrame:
    rows = []
    for i, (actor, place) in enumerate([(IMG, IMG), (RTL, "\u202eDoha"), (LONG + "a", "Kabul"),
                                        (LONG + "b", "Kabul")]):
        for who in (actor, "Taliban"):
            rows.append({"event_id": f"e{i}", "report_id": f"e{i}", "article_id": "a",
                         "sentence_id": i, "event_type": "talks", "status": "held",
                         "date_start": "2019-10-0" + str(i + 1), "date_end": "",
                         "date_precision": "day", "place": place, "country_code": "AF",
                         "lat": 34.5 + i, "lon": 69.2, "geo_precision": "city",
                         "actor": who, "actor_kind": "person", "sentence": "s",
                         "n_sources": 1, "sources": "a", "reason": "", "merge_reason": ""})
    return pd.DataFrame(rows)


def drawn_texts(fig) -> list[str]:
    """Every piece of text the figure draws: trace text, bar ticks, annotations, and the
    customdata columns its hover cards show (``%{customdata[i]}``)."""
    out: list[str] = []
    for trace in fig.data:
        for attr in ("text", "y"):
            values = getattr(trace, attr, None)
            if values is not None and not isinstance(values, str):
                out += [v for v in np.asarray(values, dtype=object).ravel() if isinstance(v, str)]
        shown = {int(i) for i in re.findall(r"customdata\[(\d+)\]", trace.hovertemplate or "")}
        if trace.customdata is not None:
            out += [row[i] for row in trace.customdata for i in shown if isinstance(row[i], str)]
    out += [a.text for a in fig.layout.annotations]
    return out


def test_every_figure_draws_hostile_names_escaped_unreversed_and_cut():
    events = hostile_events()
    ix = build_index(events)
    mask = ix.everything()
    figures = {"bars": charts.actor_bars(aggregate.actor_counts_of(ix, mask)),
               "map": charts.venue_map(aggregate.venues_of(ix, mask)),
               "timeline": charts.timeline_chart(aggregate.timeline_of(ix, mask, "day"), "day"),
               "network": charts.network_chart(network.network_of(ix, mask))}
    for name, fig in figures.items():
        texts = drawn_texts(fig)
        assert any("&lt;img" in t for t in texts), name  # the name is there, escaped
        assert not [t for t in texts if "<img" in t or "\u202e" in t], (name, texts)
        assert max(len(t) for t in texts) < 600, name
    bars = figures["bars"]
    assert len(set(bars.layout.yaxis.categoryarray)) == 5  # two long names, two bars
    keys = {row[0] for trace in bars.data for row in trace.customdata}
    assert {IMG, RTL, LONG + "a", LONG + "b"} <= keys  # click keys stay raw
    nodes = {row[0] for trace in figures["network"].data if trace.customdata is not None
             for row in trace.customdata}
    assert IMG in nodes and any(set(k.split(PAIR_SEP)) == {IMG, "Taliban"} for k in nodes)
