"""One transform applied to every text cell of a frame: what the page shows (names that cannot
be drawn reversed) and what it downloads (cells a spreadsheet will not run) both need it."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd


def map_text_cells(frame: pd.DataFrame, transform: Callable[[object], object]) -> pd.DataFrame:
    """A copy of ``frame`` with ``transform`` applied to each cell of its text columns."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(transform)
    return out
