"""Read clicks out of Streamlit's chart selection state.

``st.plotly_chart(..., on_select="rerun", key=K)`` leaves a ``PlotlyState`` in
``st.session_state[K]``; each clicked point carries our identifying key in ``customdata[0]``.
A point that stands for several keys (a map marker holding a city and its sites, or a cell of
nearby venues) joins them with ``KEY_SEP``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

KEY_SEP = "\x1f"  # never in a venue's or an actor's name: the ETL's text is printable
# Actors joined by PAIR_SEP are one key: the events they all took part in (a network edge).
PAIR_SEP = "\x1e"


def clicked_keys(state: Any) -> tuple[str, ...]:
    """The customdata keys of the selected points, in click order, without duplicates."""
    if not isinstance(state, Mapping):
        return ()
    selection = state.get("selection")
    if not isinstance(selection, Mapping):
        return ()
    keys: list[str] = []
    for point in selection.get("points", []) or []:
        data = point.get("customdata") if isinstance(point, Mapping) else None
        if isinstance(data, list | tuple) and data:
            keys += str(data[0]).split(KEY_SEP)
        elif isinstance(data, str):
            keys += data.split(KEY_SEP)
    return tuple(dict.fromkeys(keys))
