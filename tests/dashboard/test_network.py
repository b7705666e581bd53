"""Who met whom: nodes and weighted edges from shared held events, and a deterministic layout."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard import network
from dashboard.filters import Filters, filter_events


def edge(net: network.Network, a: str, b: str) -> int:
    e = net.edges
    hit = e[((e["source"] == a) & (e["target"] == b)) | ((e["source"] == b) & (e["target"] == a))]
    return int(hit["weight"].sum())


def test_edges_count_shared_held_events_once_however_many_reports(tables):
    net = network.network(tables.events)
    nodes = net.nodes.set_index("actor")
    assert nodes.loc["Zalmay Khalilzad", "n_events"] == 4  # held: e1, e3, e5, e6
    assert edge(net, "Zalmay Khalilzad", "Russia") == 1  # e6 has three reports
    assert edge(net, "Russia", "China") == 1
    assert edge(net, "Ashraf Ghani", "Abdullah Abdullah") == 1
    assert edge(net, "Ashraf Ghani", "Taliban") == 0  # only the cancelled meeting
    assert "Donald Trump" not in nodes.index
    assert nodes.loc["Taliban", "kind"] == "organization"
    assert (net.edges["weight"] > 0).all()


def test_weights_add_up_over_events(tables):
    again = tables.events[tables.events["event_id"] == "e5"].assign(event_id="e7",
                                                                      report_id="r7")
    net = network.network(pd.concat([tables.events, again]))
    assert edge(net, "Ashraf Ghani", "Abdullah Abdullah") == 2
    assert net.edges.iloc[0]["weight"] == 2  # heaviest first


def test_top_keeps_the_actors_with_most_shared_events_ties_by_name(tables):
    net = network.network(tables.events, top=3)
    assert list(net.nodes["actor"]) == ["Zalmay Khalilzad", "Abdullah Abdullah", "Ashraf Ghani"]
    assert set(net.edges["source"]) | set(net.edges["target"]) <= set(net.nodes["actor"])


def test_network_follows_the_filters(tables):
    kabul = filter_events(tables.events, tables.articles, Filters(venues=("Kabul (AF)",)))
    net = network.network(kabul)
    assert set(net.nodes["actor"]) == {"Zalmay Khalilzad", "Ashraf Ghani", "Abdullah Abdullah"}
    assert network.network(tables.events.iloc[0:0]).empty


def test_layout_is_deterministic_and_pulls_strong_ties_close(tables):
    net = network.network(tables.events)
    again = network.network(tables.events)
    pd.testing.assert_frame_equal(again.nodes, net.nodes)  # a fixed seed
    assert net.nodes["x"].between(-1, 1).all() and net.nodes["y"].between(-1, 1).all()
    w = np.zeros((4, 4))
    for a, b, weight in ((0, 1, 8), (2, 3, 8), (1, 2, 1)):
        w[a, b] = w[b, a] = weight
    x, y = network.layout(w)
    dist = lambda a, b: np.hypot(x[a] - x[b], y[a] - y[b])  # noqa: E731
    assert dist(0, 1) < dist(0, 3) and dist(2, 3) < dist(0, 3)
    assert network.layout(np.zeros((1, 1)))[0].tolist() == [0.0]


def test_edges_name_their_events_and_lonely_actors_are_counted(tables):
    solo = tables.events[tables.events["event_id"] == "e1"].iloc[:1].assign(
        event_id="e9", report_id="r9", actor="Lone Envoy")
    net = network.network(pd.concat([tables.events, solo]))
    assert "Lone Envoy" not in set(net.nodes["actor"]) and net.n_alone == 1
    e = net.edges
    row = e[(e["source"] == "Taliban") | (e["target"] == "Taliban")].iloc[0]
    assert "talks in Doha" in row["events"]
