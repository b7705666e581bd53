"""Which labels a chart can show without collisions, and where, and what text they show.

Names come from articles, so what a figure draws goes through ``plain`` (``shown`` to measure
it): plotly reads a little HTML in every label, tick and hover card and silently drops the tags
it does not know, so ``<img src=x ...>`` would vanish and a ``<br>`` would break a line; a
bidirectional override (U+202E) would draw the rest of a label backwards; a 5,000-character name
would push the chart off the page. Click keys (``customdata[0]``) stay the raw names.

Plotly draws text where it is told and never avoids other text, so at a few dozen venues or
actors the labels pile into a smear. Here every candidate label gets a box in pixels, estimated
from its text and font size, at each of a few positions around its marker; candidates are taken
in order of importance and a label is kept at the first position whose box hits neither a kept
label nor another marker. The rest are left to the hover card.

The page's width is not known to Python (it depends on the browser window), so callers pass the
pixel scales the chart can be drawn at, from the narrowest panel to the widest, and a label is
kept only if it is clear at all of them. Positions are linear in the scale, so a label clear at
both ends of a range of scales and at the scales between that are checked stays clear.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from dashboard.cells import map_text_cells

# Advance widths (em) of DejaVu Sans, the sans-serif of Debian's Chromium and one of the widest
# common sans fonts, for printable ASCII (space to tilde): estimates err on the wide side.
_ASCII_EM = (
    0.318, 0.401, 0.46, 0.838, 0.636, 0.95, 0.78, 0.275, 0.39, 0.39, 0.5, 0.838, 0.318, 0.361,
    0.318, 0.337, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.337,
    0.337, 0.838, 0.838, 0.838, 0.531, 1.0, 0.684, 0.686, 0.698, 0.77, 0.632, 0.575, 0.775,
    0.752, 0.295, 0.295, 0.656, 0.557, 0.863, 0.748, 0.787, 0.603, 0.787, 0.695, 0.635, 0.611,
    0.732, 0.684, 0.989, 0.685, 0.611, 0.685, 0.39, 0.337, 0.39, 0.838, 0.5, 0.5, 0.613, 0.635,
    0.55, 0.635, 0.615, 0.352, 0.635, 0.634, 0.278, 0.278, 0.579, 0.278, 0.974, 0.634, 0.612,
    0.635, 0.635, 0.411, 0.521, 0.392, 0.634, 0.592, 0.818, 0.592, 0.592, 0.525, 0.636, 0.337,
    0.636, 0.838)
OTHER_EM = 0.7  # accented and other scripts' letters
WIDE_EM = 1.0  # CJK and other full-width characters
SLACK = 1.06  # other fonts, kerning and rounding: never under-estimate
ASCENT, DESCENT = 0.93, 0.24  # of the font size, as a browser's text box measures them


LABEL_CHARS = 40  # a marker's or a node's label
TICK_CHARS = 30  # an axis tick: the actor bars share a third of the page with their labels
HOVER_CHARS = 100  # a line of a hover card: about 700 px, inside the narrowest chart
# Embeddings, overrides and isolates: each can reorder what follows it on screen.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
_AS_SPACES = str.maketrans("\r\n\t", "   ")  # a line break inside one label


def unreversed(value: Any) -> Any:
    """Text with its bidi controls as U+FFFD (lists item by item, other values as they are):
    a table draws names too, and an override would reverse the rest of its cell."""
    if isinstance(value, str):
        return _BIDI_CONTROLS.sub("\ufffd", value)
    if isinstance(value, list | tuple | np.ndarray):
        return [unreversed(v) for v in value]
    return value


def unreversed_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A table as the page shows it: ``unreversed`` text cells (downloads keep the data)."""
    return map_text_cells(frame, unreversed)


def shown(value: object, limit: int = HOVER_CHARS) -> str:
    """``value`` as a figure should show it, unescaped (to measure it): bidi controls as
    U+FFFD so nothing is drawn reversed, line breaks as spaces, at most ``limit`` characters
    (the last an ellipsis)."""
    text = unreversed(str(value))
    text = text.translate(_AS_SPACES)
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def plain(value: object, limit: int = HOVER_CHARS) -> str:
    """``shown`` escaped for plotly, which then draws ``<``, ``>`` and ``&`` literally."""
    return html.escape(shown(value, limit), quote=False)


def hover_lines(items: Sequence[object], total: int) -> str:
    """Lines of a hover card, each ``plain``; ``total`` beyond them counted ("… and 3 more")."""
    return card_lines([plain(item) for item in items], total)


def card_lines(escaped: Sequence[str], total: int) -> str:
    """``hover_lines`` of texts already ``plain``: a chart of thousands of cards escapes each
    distinct text once."""
    more = f"<br>… and {total - len(escaped)} more" if total > len(escaped) else ""
    return "<br>".join(escaped) + more


def distinct(names: Sequence[str], limit: int = LABEL_CHARS) -> list[str]:
    """``plain`` labels of ``names``, distinct even where two long names share their first
    ``limit`` characters: a category axis draws one bar per distinct label."""
    out: list[str] = []
    seen: set[str] = set()
    for name in names:
        label, n = plain(name, limit), 2
        while label in seen:
            label = plain(name, limit - len(f" ({n})")) + f" ({n})"
            n += 1
        seen.add(label)
        out.append(label)
    return out


def text_width(text: str, size: float) -> float:
    """The width in pixels of one line of text at a font size, a little on the wide side."""
    em = 0.0
    for ch in text:
        code = ord(ch)
        if 32 <= code < 127:
            em += _ASCII_EM[code - 32]
        elif unicodedata.east_asian_width(ch) in ("W", "F"):
            em += WIDE_EM
        elif unicodedata.combining(ch):
            continue
        else:
            em += OTHER_EM
    return em * size * SLACK


@dataclass(frozen=True)
class Candidate:
    """A label that may be drawn next to its marker.

    ``x``, ``y``: the marker in scale-free units, y pointing down the screen (pixels are units
    times the scale); ``radius``: the marker's radius in pixels; ``texts``: the label's forms,
    preferred first (a full name, then an abbreviation).
    """

    x: float
    y: float
    radius: float
    texts: tuple[str, ...]


# A box relative to its marker, in pixels: (left, top, right, bottom).
Offsets = tuple[float, float, float, float]


def plotly_text_box(position: str, width: float, size: float, radius: float) -> Offsets:
    """Where plotly puts a scatter trace's text for a ``textposition`` (its ``textPointPosition``
    pushes text ``radius / 0.8 + 1`` pixels off the marker's centre and sets the baseline a
    quarter of the font size below the middle)."""
    gap = radius / 0.8 + 1 if radius else 0.0
    vertical, horizontal = position.split(" ")
    if horizontal == "right":
        left = gap
    elif horizontal == "left":
        left = -gap - width
    else:
        left = -width / 2
    if vertical == "top":
        baseline = -gap - 0.25 * size
    elif vertical == "bottom":
        baseline = gap + 0.75 * size
    else:
        baseline = 0.25 * size
    return left, baseline - ASCENT * size, left + width, baseline + DESCENT * size


def annotation_box(position: str, width: float, size: float, radius: float, pad: float = 3.0
                   ) -> Offsets:
    """The box of an annotation placed ``pad`` pixels beside a marker (see ``annotation_at``),
    its white backing included."""
    height = (ASCENT + DESCENT) * size + 2
    w = width + 2
    gap = radius + pad
    if position == "right":
        return gap, -height / 2, gap + w, height / 2
    if position == "left":
        return -gap - w, -height / 2, -gap, height / 2
    if position == "top":
        return -w / 2, -gap - height, w / 2, -gap
    return -w / 2, gap, w / 2, gap + height


def annotation_at(position: str, radius: float, pad: float = 3.0
                  ) -> tuple[str, str, float, float]:
    """(xanchor, yanchor, xshift, yshift) of an annotation at a ``position`` beside its marker:
    the same geometry as ``annotation_box``."""
    gap = radius + pad
    return {"right": ("left", "middle", gap, 0.0), "left": ("right", "middle", -gap, 0.0),
            "top": ("center", "bottom", 0.0, gap)}.get(position, ("center", "top", 0.0, -gap))


@dataclass(frozen=True)
class Placed:
    """A kept label: which candidate, which of its texts, at which position."""

    index: int
    text: str
    position: str


def _overlaps(boxes: np.ndarray, box: np.ndarray, gap: float) -> bool:
    """Whether ``box`` (scales x 4) comes within ``gap`` pixels of any of ``boxes``
    (n x scales x 4) at any scale."""
    if not len(boxes):
        return False
    hit = ((box[None, :, 0] < boxes[:, :, 2] + gap) & (boxes[:, :, 0] < box[None, :, 2] + gap)
           & (box[None, :, 1] < boxes[:, :, 3] + gap) & (boxes[:, :, 1] < box[None, :, 3] + gap))
    return bool(hit.any())


def place_labels(candidates: Sequence[Candidate], *, positions: Sequence[str], box, size: float,
                 scales: Sequence[tuple[float, float]], limit: int,
                 frame: tuple[float, float, float, float] | None = None,
                 obstacles: int | None = None, gap: float = 2.0) -> list[Placed]:
    """The labels to draw: at most ``limit``, greedily in the candidates' order.

    ``box(position, width, size, radius)`` gives a label's box relative to its marker;
    ``scales`` the (x, y) pixels per unit the chart may be drawn at; ``frame`` the area, in
    units, labels must stay inside; the markers of the first ``obstacles`` candidates (all by
    default) and of every labelled one must not be covered by another's label.
    """
    if not candidates or limit <= 0:
        return []
    sx = np.array([s[0] for s in scales], dtype=float)
    sy = np.array([s[1] for s in scales], dtype=float)
    xs = np.array([c.x for c in candidates], dtype=float)
    ys = np.array([c.y for c in candidates], dtype=float)
    radii = np.array([c.radius for c in candidates], dtype=float)
    half = 0.8 * radii[:, None]  # a disc's core: labels may graze its rim
    px, py = xs[:, None] * sx, ys[:, None] * sy
    discs = np.stack([px - half, py - half, px + half, py + half], axis=-1)
    blocking = np.zeros(len(candidates), dtype=bool)
    blocking[: len(candidates) if obstacles is None else obstacles] = True
    kept_boxes: list[np.ndarray] = []
    placed: list[Placed] = []
    for i, cand in enumerate(candidates):
        if len(placed) >= limit:
            break
        mine = blocking[i]
        blocking[i] = False
        others = discs[blocking]
        found = None
        for text in cand.texts:
            width = text_width(text, size)
            for position in positions:
                left, top, right, bottom = box(position, width, size, cand.radius)
                at = np.stack([cand.x * sx + left, cand.y * sy + top,
                               cand.x * sx + right, cand.y * sy + bottom], axis=-1)
                if frame is not None and not (
                        (at[:, 0] >= frame[0] * sx).all() and (at[:, 1] >= frame[1] * sy).all()
                        and (at[:, 2] <= frame[2] * sx).all()
                        and (at[:, 3] <= frame[3] * sy).all()):
                    continue
                if _overlaps(np.array(kept_boxes).reshape(-1, len(scales), 4), at, gap):
                    continue
                if _overlaps(others, at, 0.0):
                    continue
                found = (text, position, at)
                break
            if found:
                break
        # A labelled marker stays clear of later labels; an unlabelled one as it was.
        blocking[i] = mine or found is not None
        if found:
            kept_boxes.append(found[2])
            placed.append(Placed(i, found[0], found[1]))
    return placed


def boxes_overlap(boxes: Sequence[tuple[float, float, float, float]]) -> list[tuple[int, int]]:
    """Pairs of (left, top, right, bottom) boxes that overlap: what the browser tests assert is
    empty, on the boxes the page really drew."""
    pairs = []
    for a in range(len(boxes)):
        for b in range(a + 1, len(boxes)):
            p, q = boxes[a], boxes[b]
            if p[0] < q[2] and q[0] < p[2] and p[1] < q[3] and q[1] < p[3]:
                pairs.append((a, b))
    return pairs
