"""Who met whom: actors linked by the held events they shared, laid out without a graph library.

``network_of`` counts, for the most active actors of the selection, their held events (node
size) and the held events each pair shared (edge weight); each event counts once however many
articles reported it. ``layout`` places the nodes deterministically with numpy, so the same
selection always draws the same picture and a click lands where the user saw the node.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.index import EventIndex, build_index, codes_of

__all__ = ["Network", "layout", "network", "network_of"]

NODE_COLUMNS = ["actor", "kind", "n_events", "degree", "x", "y"]
EDGE_COLUMNS = ["source", "target", "weight"]
TOP = 15  # actors drawn: more makes the labels collide


@dataclass(frozen=True)
class Network:
    """Nodes (one per actor, with its position) and weighted edges between them."""

    nodes: pd.DataFrame
    edges: pd.DataFrame

    @property
    def empty(self) -> bool:
        return self.nodes.empty


def network_of(ix: EventIndex, mask: np.ndarray, *, top: int = TOP,
               statuses: tuple[str, ...] = ("held",)) -> Network:
    """The ``top`` actors of the selected held events (most events first, ties by name) and
    the number of events each pair shared. Linear in the selected rows; the pair counts are a
    product of a small incidence matrix (events with a top actor x top actors)."""
    keep = mask & np.isin(ix.status, codes_of(ix.v_status, statuses))
    rows = np.flatnonzero(ix.pair_first & keep[ix.row_event])
    if not len(rows):
        return Network(pd.DataFrame(columns=NODE_COLUMNS), pd.DataFrame(columns=EDGE_COLUMNS))
    actor = ix.row_actor[rows]
    totals = np.bincount(actor, minlength=len(ix.v_actor))
    seen = np.flatnonzero(totals)
    # v_actor is sorted, so ordering codes by (-count, code) orders ties by name.
    chosen = seen[np.lexsort((seen, -totals[seen]))][:top]
    position = np.full(len(ix.v_actor), -1)
    position[chosen] = np.arange(len(chosen))
    inside = position[actor] >= 0
    _, event = np.unique(ix.row_event[rows[inside]], return_inverse=True)
    incidence = np.zeros((int(event.max(initial=-1)) + 1, len(chosen)), dtype=np.int32)
    incidence[event, position[actor[inside]]] = 1
    shared = incidence.T.astype(np.int64) @ incidence
    i, j = np.triu_indices(len(chosen), k=1)
    linked = shared[i, j] > 0
    names = ix.v_actor[chosen]
    edges = pd.DataFrame({"source": names[i[linked]], "target": names[j[linked]],
                          "weight": shared[i, j][linked]}, columns=EDGE_COLUMNS)
    first_row = np.full(len(ix.v_actor), len(ix.row_actor))
    np.minimum.at(first_row, actor, rows)
    weights = np.where(np.eye(len(chosen), dtype=bool), 0, shared)
    x, y = layout(weights)
    nodes = pd.DataFrame({
        "actor": names,
        "kind": ix.ak_kind[ix.row_actor_kind[first_row[chosen]]],
        "n_events": totals[chosen],
        "degree": (weights > 0).sum(axis=1),
        "x": x, "y": y,
    }, columns=NODE_COLUMNS)
    return Network(nodes, edges.sort_values("weight", ascending=False, kind="stable")
                   .reset_index(drop=True))


def network(events: pd.DataFrame, *, top: int = TOP) -> Network:
    """``network_of`` every event of a frame."""
    ix = build_index(events)
    return network_of(ix, ix.everything(), top=top)


def layout(weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Node positions for a symmetric weight matrix (nodes in order of importance).

    Nodes sit on a circle, each placed next to the one it shares most with, so strong ties are
    short chords. A hub linked to most others goes to the centre instead: an envoy who met
    everyone becomes a star whose spokes can be read at a glance. Deterministic: no random
    start, ties broken by node order.
    """
    n = len(weights)
    x, y = np.zeros(n), np.zeros(n)
    if n <= 1:
        return x, y
    degree = (weights > 0).sum(axis=1)
    hub = int(np.argmax(degree))  # the first of the best connected
    centre = n >= 4 and degree[hub] >= 0.6 * (n - 1) and (degree == degree[hub]).sum() == 1
    ring = [k for k in range(n) if not (centre and k == hub)]
    order = [ring[0]]
    left = set(ring[1:])
    while left:
        last = order[-1]
        order.append(max(sorted(left), key=lambda k: (weights[last, k], -k)))
        left.remove(order[-1])
    # Start at the top, go clockwise; an even split of the circle.
    angles = np.pi / 2 - 2 * np.pi * np.arange(len(order)) / len(order)
    x[order], y[order] = np.cos(angles), np.sin(angles)
    return np.round(x, 6), np.round(y, 6)
