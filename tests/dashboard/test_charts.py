"""Figures: clickable traces carry their key in customdata; the map needs no tile server."""

from __future__ import annotations

import pandas as pd

from bench.page_corpus import page_tables
from dashboard import aggregate, charts, geomap, labels, network
from dashboard.index import build_index
from dashboard.selection import PAIR_SEP


def marker_keys(trace) -> list[list[str]]:
    return [str(row[0]).split(geomap.KEY_SEP) for row in trace.customdata]


def test_venue_map_markers_carry_venue_keys_and_sizes(tables):
    venues = aggregate.venues(tables.events)
    fig = charts.venue_map(venues)
    assert len(fig.data) == 1 and fig.data[0].type == "scattergeo"
    trace = fig.data[0]
    assert sorted(k for keys in marker_keys(trace) for k in keys) == sorted(venues["venue"])
    counts = dict(zip(venues["venue"], venues["n_events"], strict=True))
    n = [sum(counts[k] for k in keys) for keys in marker_keys(trace)]
    by_size = sorted(zip(n, trace.marker.size, strict=True))
    assert [s for _, s in by_size] == sorted(trace.marker.size)  # more events, bigger marker
    # Area, not diameter, follows the count.
    big, small = max(by_size), min(by_size)
    assert abs((big[1] / small[1]) ** 2 - big[0] / small[0]) < 0.01 or small[1] == geomap.MIN_D
    assert "Top participants" in trace.hovertemplate


def test_venue_map_is_offline_geo_framed_on_the_venues(tables):
    fig = charts.venue_map(aggregate.venues(tables.events))
    geo = fig.layout.geo
    assert geo.showcountries and geo.showland and geo.resolution == 110
    assert "map" not in fig.to_dict()["layout"]  # no tile-based subplot
    lon0, lon1 = geo.lonaxis.range
    lat0, lat1 = geo.lataxis.range
    for lat, lon in zip(fig.data[0].lat, fig.data[0].lon, strict=True):
        assert lon0 < lon < lon1 and lat0 < lat < lat1
    assert lon1 - lon0 < 120  # Kabul to Moscow and Doha: a region, not the world


def test_single_venue_is_not_zoomed_to_a_street():
    view = geomap.view_of([34.53], [69.17], height=440)
    assert view.lat[1] - view.lat[0] >= geomap.MIN_SPAN
    assert view.lon[1] - view.lon[0] >= geomap.MIN_SPAN
    dx, dy = view.size()
    assert abs(dx / dy - geomap.ASPECT) < 0.1  # shaped like the panel: no empty bands


def test_a_site_is_drawn_at_its_city_and_named_in_the_hover():
    venues = pd.DataFrame({
        "venue": ["State House (UG)", "Entebbe (UG)"], "place": ["State House", "Entebbe"],
        "country_code": ["UG", "UG"], "lat": [0.05, 0.05], "lon": [32.46, 32.46],
        "n_events": [3, 1], "dates": ["2024-01-02", ""], "participants": ["A", "B"]})
    spots = geomap.spots(venues, {(0.05, 32.46): "Entebbe"})
    assert len(spots) == 1
    spot = spots.iloc[0]
    assert spot["name"] == "Entebbe" and spot["n_events"] == 4
    assert spot["key"].split(geomap.KEY_SEP) == ["State House (UG)", "Entebbe (UG)"]
    assert "State House (3)" in spot["venues"]
    fig = charts.venue_map(venues, cities={(0.05, 32.46): "Entebbe"})
    assert list(fig.data[0].text) == ["Entebbe"]  # the city's name, not the site's sentence


def test_many_venues_are_grouped_into_cells_that_keep_every_venue():
    tables = page_tables(n_venues=300, n_actors=60, n_events=600)
    events = tables["events"]
    venues = aggregate.venues(events)
    spots = geomap.spots(venues, geomap.city_names(tables["mentions"]))
    assert len(spots) > geomap.MAX_MARKERS
    view = geomap.view_of(list(spots["lat"]), list(spots["lon"]), height=440)
    cells = geomap.cells(spots, view)
    assert len(cells) < len(spots)
    keys = [k for key in cells["key"] for k in key.split(geomap.KEY_SEP)]
    assert sorted(keys) == sorted(venues["venue"])  # each venue in exactly one marker
    assert cells["n_events"].sum() == venues["n_events"].sum()
    assert geomap.cells(spots.head(10), view).equals(spots.head(10))  # few: left alone


def label_boxes(fig) -> list[tuple[float, float, float, float]]:
    """The map labels' boxes in pixels at each scale the view is drawn at."""
    trace = fig.data[0]
    view = geomap.view_of(list(trace.lat), list(trace.lon), height=fig.layout.height)
    x, y = view.project(list(trace.lon), list(trace.lat))
    out = []
    for scale in view.scales:
        boxes = []
        for k, text in enumerate(trace.text):
            if text:
                box = labels.plotly_text_box(trace.textposition[k],
                                             labels.text_width(text, geomap.LABEL_SIZE),
                                             geomap.LABEL_SIZE, trace.marker.size[k] / 2)
                boxes.append((x[k] * scale + box[0], y[k] * scale + box[1],
                              x[k] * scale + box[2], y[k] * scale + box[3]))
        out.append(boxes)
    return out


def test_map_labels_the_biggest_venues_without_overlap():
    tables = page_tables(n_venues=120, n_actors=60, n_events=500, seed=3)
    fig = charts.venue_map(aggregate.venues(tables["events"]),
                           cities=geomap.city_names(tables["mentions"]))
    trace = fig.data[0]
    shown = [t for t in trace.text if t]
    assert 3 <= len(shown) <= geomap.LABELS
    assert trace.text[0]  # the biggest venue is labelled
    assert trace.textfont.size >= 11
    for boxes in label_boxes(fig):
        assert labels.boxes_overlap(boxes) == []


def test_label_placement_moves_or_drops_a_colliding_label():
    first = labels.Candidate(0.0, 0.0, 5.0, ("Alpha",))
    twin = labels.Candidate(0.0, 0.0, 5.0, ("Beta",))
    placed = labels.place_labels([first, twin], positions=("middle right", "middle left"),
                                 box=labels.plotly_text_box, size=12, scales=[(1.0, 1.0)],
                                 limit=5)
    assert [(p.index, p.position) for p in placed] == [(0, "middle right"), (1, "middle left")]
    third = labels.Candidate(0.0, 0.0, 5.0, ("Gamma",))
    placed = labels.place_labels([first, twin, third], positions=("middle right",
                                                                  "middle left"),
                                 box=labels.plotly_text_box, size=12, scales=[(1.0, 1.0)],
                                 limit=5)
    assert [p.index for p in placed] == [0, 1]  # no room left: named on hover only


def test_label_placement_checks_every_width():
    # Two markers 60 units apart, labels pointing at each other: clear when wide, not narrow.
    a = labels.Candidate(0.0, 0.0, 0.0, ("Left label",))
    b = labels.Candidate(1.0, 0.0, 0.0, ("Right label",))
    kwargs = {"box": labels.plotly_text_box, "size": 12, "limit": 2}
    assert len(labels.place_labels([a, b], positions=("middle right",),
                                   scales=[(200.0, 200.0)], **kwargs)) == 2
    assert len(labels.place_labels([a, b], positions=("middle right",),
                                   scales=[(40.0, 40.0), (200.0, 200.0)], **kwargs)) == 1


def test_text_width_grows_with_text_and_size():
    assert labels.text_width("Islamabad", 12) > labels.text_width("Doha", 12) > 0
    assert labels.text_width("Doha", 24) == 2 * labels.text_width("Doha", 12)
    assert labels.text_width("北京", 12) > labels.text_width("ab", 12)


def test_size_legend_steps():
    assert geomap.nice_steps(1) == [1]
    assert geomap.nice_steps(37) == [1, 5, 20]
    assert geomap.nice_steps(1000) == [1, 200, 1000]
    fig = charts.venue_map(pd.DataFrame({
        "venue": ["A (XX)"], "place": ["A"], "country_code": ["XX"], "lat": [1.0],
        "lon": [2.0], "n_events": [37], "dates": [""], "participants": [""]}))
    legend = [a.text for a in fig.layout.annotations]
    assert legend == ["1", "5", "20", "events"]


def test_actor_bars_one_trace_per_kind_with_actor_keys(tables):
    counts = aggregate.actor_counts(tables.events, tables.mentions)
    fig = charts.actor_bars(counts)
    kinds = [t.name for t in fig.data]
    assert kinds == [k for k in charts.KIND_COLOURS if k in set(counts["kind"])]
    for trace in fig.data:
        assert trace.orientation == "h"
        assert trace.marker.color == charts.KIND_COLOURS[trace.name]
        assert [c[0] for c in trace.customdata] == list(trace.y)
    # Most frequent on top: plotly draws the category array bottom-up.
    assert list(fig.layout.yaxis.categoryarray)[-1] == counts.iloc[0]["actor"]


def test_timeline_chart_stacks_statuses_and_draws_an_undated_bar(tables):
    periods = aggregate.timeline(tables.events, "week")
    ix = build_index(tables.events)
    undated = aggregate.undated_by_status_of(ix, ix.everything())
    assert undated["n_events"].sum() == 2  # the planned and the cancelled meeting
    fig = charts.timeline_chart(periods, "week", undated)
    assert fig.layout.barmode == "stack"
    dated = [t for t in fig.data if t.xaxis == "x"]
    assert {t.name for t in dated} == set(periods["status"])
    assert sum(sum(t.y) for t in dated) == periods["n_events"].sum()
    bars = [t for t in fig.data if t.xaxis == "x2"]
    assert {x for t in bars for x in t.x} == {"undated"}
    assert sum(sum(t.y) for t in bars) == 2


def test_network_chart_nodes_and_edges_are_clickable(tables):
    net = network.network(tables.events)
    fig = charts.network_chart(net)
    nodes = [t for t in fig.data if t.mode == "markers" and t.name in charts.KIND_COLOURS]
    assert {row[0] for t in nodes for row in t.customdata} == set(net.nodes["actor"])
    assert {t.name for t in nodes} == set(net.nodes["kind"])
    labels_shown = {a.text for a in fig.layout.annotations}
    assert labels_shown == set(net.nodes["actor"])  # few nodes: every one named in full
    middles = next(t for t in fig.data if t.name == "shared events")
    pairs = {tuple(row[0].split(PAIR_SEP)) for row in middles.customdata}
    assert pairs == set(zip(net.edges["source"], net.edges["target"], strict=True))
    assert "Zalmay Khalilzad" in str(middles.customdata[0][1:3])
    assert fig.layout.clickmode == "event+select" and not fig.layout.xaxis.visible


def test_heavier_edges_are_drawn_thicker():
    edges = pd.DataFrame({"source": ["A", "A"], "target": ["B", "C"], "weight": [4, 1],
                          "events": ["x", "y"]})
    nodes = pd.DataFrame({"actor": ["A", "B", "C"], "kind": "person", "n_events": [5, 4, 1],
                          "n_shared": [5, 4, 1], "degree": [2, 1, 1], "x": [0.0, 1.0, -1.0],
                          "y": [1.0, 0.0, 0.0]})
    fig = charts.network_chart(network.Network(nodes, edges))
    lines = {tuple(t.x[:2]): t.line.width for t in fig.data if t.mode == "lines"}
    assert lines[(0.0, 1.0)] > lines[(0.0, -1.0)]


def test_network_labels_never_overlap_on_a_large_corpus():
    tables = page_tables(n_venues=100, n_actors=200, n_events=1200)
    net = network.network(tables["events"])
    assert network.TOP - 5 <= len(net.nodes) <= network.TOP
    sizes = charts.node_sizes(net.nodes["n_events"])
    placed = charts.network_labels(net.nodes, sizes)
    assert len(placed) >= network.TOP // 2
    for width in charts.NETWORK_WIDTHS:
        sx = (width - 20) / (2 * charts.NETWORK_RANGE)
        sy = (charts.NETWORK_HEIGHT - 40) / (2 * charts.NETWORK_RANGE)
        boxes = []
        for p in placed:
            node = net.nodes.iloc[p.index]
            box = labels.annotation_box(p.position,
                                        labels.text_width(p.text, charts.NODE_LABEL_SIZE),
                                        charts.NODE_LABEL_SIZE, sizes[p.index] / 2)
            x, y = node["x"] * sx, -node["y"] * sy
            boxes.append((x + box[0], y + box[1], x + box[2], y + box[3]))
        assert labels.boxes_overlap(boxes) == []


def test_abbreviations():
    assert charts.abbreviate("Zalmay Khalilzad") == "Z. Khalilzad"
    assert charts.abbreviate("Democratic Republic of the Congo").endswith("…")
    assert charts.abbreviate("Taliban") == "Taliban"


def test_country_name():
    assert charts.country_name("AF") == "Afghanistan"
    assert charts.country_name("") == "" and charts.country_name("ZZ") == "ZZ"


def test_empty_inputs_build_figures():
    empty = pd.DataFrame(columns=["venue", "place", "country_code", "lat", "lon", "n_events",
                                  "dates", "participants"])
    assert len(charts.venue_map(empty).data) == 1
    nothing = pd.DataFrame(columns=["period", "status", "n_events", "events"])
    undated = pd.DataFrame({"status": ["held"], "n_events": [3]})
    assert sum(sum(t.y) for t in charts.timeline_chart(nothing, "day", undated).data) == 3
