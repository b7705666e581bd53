"""Figures: clickable traces carry their key in customdata; the map needs no tile server."""

from __future__ import annotations

import pandas as pd

from dashboard import aggregate, charts, network


def test_venue_map_markers_carry_venue_keys_and_sizes(tables):
    venues = aggregate.venues(tables.events)
    fig = charts.venue_map(venues)
    assert len(fig.data) == 1 and fig.data[0].type == "scattergeo"
    trace = fig.data[0]
    assert [row[0] for row in trace.customdata] == list(venues["venue"])
    assert list(trace.lat) == list(venues["lat"])
    by_size = sorted(zip(venues["n_events"], trace.marker.size, strict=True))
    assert [s for _, s in by_size] == sorted(trace.marker.size)  # more events, bigger marker
    assert "Top participants" in trace.hovertemplate


def test_venue_map_is_offline_geo_with_country_outlines(tables):
    fig = charts.venue_map(aggregate.venues(tables.events))
    geo = fig.layout.geo
    assert geo.showcountries and geo.showland and geo.resolution == 110
    assert "map" not in fig.to_dict()["layout"]  # no tile-based subplot
    lon0, lon1 = geo.lonaxis.range
    lat0, lat1 = geo.lataxis.range
    for lat, lon in zip(fig.data[0].lat, fig.data[0].lon, strict=True):
        assert lon0 < lon < lon1 and lat0 < lat < lat1


def test_single_venue_is_not_zoomed_to_a_street():
    lon_range, lat_range = charts._view([34.53], [69.17])
    assert lat_range[1] - lat_range[0] >= 25 and lon_range[1] - lon_range[0] >= 25


def test_close_venues_get_labels_on_opposite_sides():
    positions = charts.label_positions([34.53, 33.72, 55.75], [69.17, 73.04, 37.62])
    assert positions == ["middle left", "middle right", "top center"]


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


def test_timeline_chart_stacks_statuses(tables):
    periods = aggregate.timeline(tables.events, "week")
    fig = charts.timeline_chart(periods, "week")
    assert fig.layout.barmode == "stack"
    assert {t.name for t in fig.data} == set(periods["status"])
    assert sum(sum(t.y) for t in fig.data) == periods["n_events"].sum()


def test_network_chart_nodes_are_clickable_and_edges_weighted(tables):
    net = network.network(tables.events)
    fig = charts.network_chart(net)
    nodes = [t for t in fig.data if t.mode == "markers" and t.name in charts.KIND_COLOURS]
    assert {row[0] for t in nodes for row in t.customdata} == set(net.nodes["actor"])
    assert {t.name for t in nodes} == set(net.nodes["kind"])
    labels = {a.text.replace("<br>", " ") for a in fig.layout.annotations}
    assert labels == set(net.nodes["actor"])
    widths = [t.line.width for t in fig.data if t.mode == "lines"]
    assert widths and all(w >= 1 for w in widths)
    assert fig.layout.clickmode == "event+select" and not fig.layout.xaxis.visible


def test_heavier_edges_are_drawn_thicker():
    edges = pd.DataFrame({"source": ["A", "A"], "target": ["B", "C"], "weight": [4, 1]})
    nodes = pd.DataFrame({"actor": ["A", "B", "C"], "kind": "person", "n_events": [5, 4, 1],
                          "degree": [2, 1, 1], "x": [0.0, 1.0, -1.0], "y": [1.0, 0.0, 0.0]})
    fig = charts.network_chart(network.Network(nodes, edges))
    lines = {tuple(t.x[:2]): t.line.width for t in fig.data if t.mode == "lines"}
    assert lines[(0.0, 1.0)] > lines[(0.0, -1.0)]


def test_long_names_wrap_at_a_middle_space():
    assert charts._wrap("Abdullah Abdullah") == "Abdullah<br>Abdullah"
    assert charts._wrap("Taliban") == "Taliban"


def test_country_name():
    assert charts.country_name("AF") == "Afghanistan"
    assert charts.country_name("") == "" and charts.country_name("ZZ") == "ZZ"


def test_empty_inputs_build_figures():
    empty = pd.DataFrame(columns=["venue", "place", "country_code", "lat", "lon", "n_events",
                                  "dates", "participants"])
    assert len(charts.venue_map(empty).data) == 1
