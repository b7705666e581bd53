"""Names from the tables made safe to show inside a plotly figure.

Plotly reads a subset of HTML in every label, tick, annotation and hover card (<b>, <br>,
<a href>, <span style>) and silently drops other tags, so an actor called
``<img src=x onerror=...>`` would vanish from the chart and a ``<br>`` would break its line.
Escaping ``& < >`` makes plotly show the characters as they are. Bidirectional overrides
(U+202E and kin) would reverse the rest of a label on screen, so they are shown as U+FFFD; a
5,000-character name is cut so that it cannot push the chart off the page. The figures' click
keys (``customdata[0]``) stay the raw names: only what is drawn goes through here.
"""

from __future__ import annotations

import html
import re

LABEL_CHARS = 60  # a tick, a marker's or a node's label
HOVER_CHARS = 300  # a line of a hover card
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def plotly_text(value: object, limit: int = LABEL_CHARS) -> str:
    """``value`` as plotly should draw it: literal characters, no reordering, at most
    ``limit`` characters (then an ellipsis)."""
    text = _BIDI_CONTROLS.sub("\ufffd", str(value))
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return html.escape(text, quote=False)


def hover_text(value: object) -> str:
    """A longer piece of text for a hover card (participants, event lists)."""
    return plotly_text(value, HOVER_CHARS)


def unique_labels(names: list[str], limit: int = LABEL_CHARS) -> list[str]:
    """One drawn label per name, distinct even when two long names share their first
    ``limit`` characters (bar charts draw one bar per distinct label)."""
    out: list[str] = []
    seen: set[str] = set()
    for name in names:
        label = plotly_text(name, limit)
        n = 2
        while label in seen:
            label = f"{plotly_text(name, limit)} ({n})"
            n += 1
        seen.add(label)
        out.append(label)
    return out
