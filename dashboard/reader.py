"""The article reader: the text with its entity mentions highlighted, safely escaped.

Article text comes from arbitrary files, so every piece of it is HTML-escaped and its bidi
controls shown as U+FFFD (an override would draw the rest of a line reversed); only the
``<mark>`` tags built here are markup. Offsets come from the mentions table and point into the
article text the ETL stored.
"""

from __future__ import annotations

import html
import re

import pandas as pd

from dashboard.labels import unreversed

MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:])")

KIND_STYLE = {
    "person": "#CFE3F3",
    "organization": "#FBE3B3",
    "country": "#CDEBDF",
    "place": "#F6D3C2",
    "toponym": "#FBEBE3",  # a place name in another role: a paler place
    "date": "#E4DDF0",
}


def legend_html() -> str:
    """A one-line key of the highlight colours."""
    items = "".join(
        f'<mark style="background:{c};padding:0 .3em;border-radius:3px;margin-right:.5em">'
        f"{k}</mark>" for k, c in KIND_STYLE.items()
    )
    return f'<div style="font-size:.85em;margin-bottom:.5em">{items}</div>'


def highlight(text: str, mentions: pd.DataFrame, *, focus: tuple[int, int] | None = None
              ) -> str:
    """HTML of ``text`` with mentions marked (hover shows kind and canonical name).

    Overlapping or out-of-range spans are skipped rather than breaking the markup. ``focus``
    (a character range, e.g. the event's sentence) is underlined so the reader finds it.
    """
    # At one offset the mention itself before a toponym inside it: "the Georgia Bureau of
    # Investigation" is marked as the organisation it is.
    spans = sorted(
        ((int(s), int(e), str(k), str(n))
         for s, e, k, n in zip(mentions["start"], mentions["end"], mentions["kind"],
                               mentions["name"], strict=True)
         if 0 <= int(s) < int(e) <= len(text)),
        key=lambda span: (span[0], span[2] == "toponym", span[1]))
    # (offset, rank, tag); rank orders tags at one offset so they nest: close marks, close the
    # focus, open the focus, open marks.
    cuts: list[tuple[int, int, str]] = []
    last_end = 0
    for start, end, kind, name in spans:
        if start < last_end:
            continue
        colour = KIND_STYLE.get(kind, "#EEE")
        title = html.escape(unreversed(f"{kind}: {name}"), quote=True)
        cuts.append((start, 3, f'<mark style="background:{colour};padding:0 .15em;'
                            f'border-radius:3px" title="{title}">'))
        cuts.append((end, 0, "</mark>"))
        last_end = end
    if focus is not None:
        lo = min(max(0, focus[0]), len(text))
        hi = max(lo, min(len(text), focus[1]))  # an empty or reversed range marks nothing
        # Insert the focus boundaries where they do not split a mark.
        inside = [(s, e) for s, e, *_ in spans if s < lo < e or s < hi < e]
        for s, e in inside:
            lo, hi = (min(lo, s), hi) if s < lo < e else (lo, max(hi, e))
        cuts.append((lo, 2, '<span style="text-decoration:underline 2px #D55E00;'
                         'text-underline-offset:3px">'))
        cuts.append((hi, 1, "</span>"))
    cuts.sort(key=lambda c: (c[0], c[1]))
    out: list[str] = []
    pos = 0
    for offset, _, tag in cuts:
        out.append(html.escape(unreversed(text[pos:offset])))
        out.append(tag)
        pos = offset
    out.append(html.escape(unreversed(text[pos:])))
    body = "".join(out).replace("\n", "<br>")
    return f'<div style="line-height:1.7;font-size:1rem">{body}</div>'


def sentence_span(text: str, sentence: str) -> tuple[int, int] | None:
    """Where the event's sentence sits in the article, when it can be found verbatim."""
    if not sentence:
        return None
    at = text.find(sentence)
    return None if at < 0 else (at, at + len(sentence))


def escape_markdown(text: str) -> str:
    """Text from articles or the URL, shown literally inside Streamlit markdown (no links,
    no emphasis, no HTML, nothing drawn reversed)."""
    return MARKDOWN_SPECIALS.sub(r"\\\1", unreversed(text))
