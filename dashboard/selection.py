"""Read clicks out of Streamlit's chart selection state.

``st.plotly_chart(..., on_select="rerun", key=K)`` leaves a ``PlotlyState`` in
``st.session_state[K]``; each clicked point carries our identifying key in ``customdata[0]``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


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
            keys.append(str(data[0]))
        elif isinstance(data, str):
            keys.append(data)
    return tuple(dict.fromkeys(keys))
