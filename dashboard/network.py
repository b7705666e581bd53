"""Who met whom: actors linked by the held events they shared, in a force-directed layout.

``network_of`` takes the actors of the selection with the most shared held events (events with
at least one other actor), counts the held events each pair shared (edge weight; each event
once however many articles reported it) and names them (an edge's hover card). Actors who
shared no event are left out and counted. ``layout`` places the nodes with networkx's spring
layout from a fixed seed, so the same selection always draws the same picture and a click
lands where the user saw the node.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd

from dashboard.index import EventIndex, build_index, matching
from dashboard.labels import hover_lines

__all__ = ["Network", "layout", "network", "network_of"]

NODE_COLUMNS = ["actor", "kind", "n_events", "n_shared", "degree", "x", "y"]
EDGE_COLUMNS = ["source", "target", "weight", "events"]
TOP = 30  # actors drawn; the labels that do not fit are left to the hover card
EVENTS_NAMED = 8  # events listed in an edge's hover card; the rest are counted
SEED = 7
GRAVITY = 0.05  # the weight of the pull between actors who shared nothing


@dataclass(frozen=True)
class Network:
    """Nodes (one per actor, with its position), weighted edges between them, and how many
    actors of the selection met someone (``n_linked``) or no one (``n_alone``)."""

    nodes: pd.DataFrame
    edges: pd.DataFrame
    n_linked: int = 0
    n_alone: int = 0

    @property
    def empty(self) -> bool:
        return self.nodes.empty


def _event_names(ix: EventIndex, events: np.ndarray) -> str:
    """"talks in Doha, Oct 2019" for each event, one a line (escaped: plotly reads a little
    HTML in hover cards), the rest counted."""
    return hover_lines([f"{ix.v_what[ix.what[e]]}, {ix.v_label[ix.label[e]] or 'undated'}"
                        for e in events[:EVENTS_NAMED]], len(events))


def network_of(ix: EventIndex, mask: np.ndarray, *, top: int = TOP,
               statuses: tuple[str, ...] = ("held",)) -> Network:
    """The ``top`` actors of the selected held events with most shared events (ties by more
    events, then name) and the events each pair shared. Linear in the selected rows; the pair
    counts are a product of a small incidence matrix (shared events x top actors)."""
    keep = mask & matching(ix.status, ix.v_status, statuses)
    rows = np.flatnonzero(ix.pair_first & keep[ix.row_event])
    empty = Network(pd.DataFrame(columns=NODE_COLUMNS), pd.DataFrame(columns=EDGE_COLUMNS))
    if not len(rows):
        return empty
    actor, event = ix.row_actor[rows], ix.row_event[rows]
    size = np.bincount(event, minlength=ix.n_events)  # actors per event
    together = size[event] >= 2
    totals = np.bincount(actor, minlength=len(ix.v_actor))
    shared_n = np.bincount(actor[together], minlength=len(ix.v_actor))
    seen = np.flatnonzero(totals)
    linked = seen[shared_n[seen] > 0]
    n_alone = len(seen) - len(linked)
    # v_actor is sorted, so ordering codes by (-shared, -count, code) orders ties by name.
    chosen = linked[np.lexsort((linked, -totals[linked], -shared_n[linked]))][:top]
    if len(chosen) < 2:
        return Network(empty.nodes, empty.edges, len(linked), n_alone)
    position = np.full(len(ix.v_actor), -1)
    position[chosen] = np.arange(len(chosen))
    inside = (position[actor] >= 0) & together
    codes, local = np.unique(event[inside], return_inverse=True)
    incidence = np.zeros((len(codes), len(chosen)), dtype=np.int32)
    incidence[local, position[actor[inside]]] = 1
    weights = incidence.astype(np.float64)  # BLAS multiplies floats; counts stay exact
    shared = np.rint(weights.T @ weights).astype(np.int64)
    np.fill_diagonal(shared, 0)
    degree = (shared > 0).sum(axis=1)
    drawn = degree > 0  # a top actor whose partners are all outside the top has no line
    chosen, shared, incidence = chosen[drawn], shared[np.ix_(drawn, drawn)], incidence[:, drawn]
    i, j = np.triu_indices(len(chosen), k=1)
    tie = shared[i, j] > 0
    i, j = i[tie], j[tie]
    names = ix.v_actor[chosen]
    edges = pd.DataFrame({
        "source": names[i], "target": names[j], "weight": shared[i, j],
        "events": [_event_names(ix, codes[(incidence[:, a] & incidence[:, b]) > 0])
                   for a, b in zip(i, j, strict=True)]}, columns=EDGE_COLUMNS)
    mine = position[actor] >= 0  # the first row of each drawn actor gives its kind
    first_row = np.full(len(ix.v_actor), len(ix.row_actor))
    np.minimum.at(first_row, actor[mine], rows[mine])
    x, y = layout(shared)
    nodes = pd.DataFrame({
        "actor": names,
        "kind": ix.row_pair_kind[ix.row_actor_kind[first_row[chosen]]],
        "n_events": totals[chosen],
        "n_shared": shared_n[chosen],
        "degree": (shared > 0).sum(axis=1),
        "x": x, "y": y,
    }, columns=NODE_COLUMNS)
    return Network(nodes, edges.sort_values("weight", ascending=False, kind="stable")
                   .reset_index(drop=True), len(linked), n_alone)


def network(events: pd.DataFrame, *, top: int = TOP) -> Network:
    """``network_of`` every event of a frame."""
    ix = build_index(events)
    return network_of(ix, ix.everything(), top=top)


def layout(weights: np.ndarray, *, seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    """Node positions for a symmetric weight matrix, each axis spread over [-1, 1].

    networkx's spring layout (Fruchterman-Reingold) pulls actors who shared more events
    closer; a fixed seed makes it deterministic. Each axis is stretched to fill the panel.
    """
    n = len(weights)
    if n <= 1:
        return np.zeros(n), np.zeros(n)
    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    # A faint pull between every pair keeps separate groups on one page instead of flung to
    # its corners, where they would leave the main group a crowded dot in the middle.
    a, b = np.triu_indices(n, k=1)
    graph.add_weighted_edges_from((int(p), int(q), float(weights[p, q]) + GRAVITY)
                                  for p, q in zip(a, b, strict=True))
    at = nx.spring_layout(graph, weight="weight", seed=seed, k=2.0 / np.sqrt(n),
                          iterations=200)
    xy = np.array([at[k] for k in range(n)], dtype=float)
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    xy = 2 * (xy - lo) / np.where(hi - lo > 1e-9, hi - lo, 1.0) - 1
    return np.round(xy[:, 0], 6), np.round(xy[:, 1], 6)
