"""What a shared link asks for, checked against the corpus before the page uses it.

Streamlit drops a URL value its widget cannot take (an unknown option, a date outside the
picker's range) without a word, and the map's and network's clicks (``venue``, ``focus``) are
read by the page itself, where an unknown venue would quietly show no events at all. Here every
value of the link is checked once, when the page opens, and the ones the page ignores are named
in a notice instead of leaving the user with a view they did not ask for.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from dashboard.reader import escape_markdown
from dashboard.selection import PAIR_SEP

MAX_QUERY_CHARS = 200  # a search phrase, not a document
SHOWN_CHARS = 40  # of an ignored value, in the notice
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d")  # what Streamlit's date_input reads from a URL
FLAGS = ("true", "false")
# Streamlit's own parameters: never filters, never reported.
STREAMLIT_KEYS = frozenset({"embed", "embed_options"})


@dataclass(frozen=True)
class Choices:
    """The values each URL key may take in the open corpus."""

    options: Mapping[str, Collection[str]]  # key -> allowed values (multi- or single-choice)
    actors: Collection[str] = ()  # names a ``focus`` may join with PAIR_SEP
    dates: tuple[date, date] | None = None  # the picker's range
    flags: Collection[str] = ()  # keys of checkboxes
    text: Collection[str] = ()  # keys of free text
    pairs: Collection[str] = field(default=("focus",))  # keys whose values may be actor pairs


def parse_date(value: str) -> date | None:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    return None


def _dates_ok(values: Sequence[str], bounds: tuple[date, date] | None) -> bool:
    """A range of one or two dates inside the picker's bounds."""
    if bounds is None or not 1 <= len(values) <= 2:
        return False
    days = [parse_date(v) for v in values]
    return all(d is not None and bounds[0] <= d <= bounds[1] for d in days) and (
        len(days) == 1 or days[0] <= days[1])  # type: ignore[operator]


def _known(key: str, value: str, choices: Choices) -> bool:
    allowed = choices.options.get(key, ())
    if value in allowed:
        return True
    if key in choices.pairs and PAIR_SEP in value:
        return all(part in choices.actors for part in value.split(PAIR_SEP))
    return False


def ignored_values(params: Mapping[str, Sequence[str]], choices: Choices
                   ) -> dict[str, list[str]]:
    """key -> the values of the link the page will not use (all of them for an unknown key);
    empty when the whole link is usable."""
    out: dict[str, list[str]] = {}
    for key, values in params.items():
        if key in STREAMLIT_KEYS:
            continue
        values = list(values)
        if key == "dates":
            bad = [] if _dates_ok(values, choices.dates) else values
        elif key in choices.flags:
            bad = [v for v in values if v.lower() not in FLAGS]
        elif key in choices.text:
            bad = [v for v in values if len(v) > MAX_QUERY_CHARS]
        elif key in choices.options:
            bad = [v for v in values if not _known(key, v, choices)]
        else:
            bad = values or [""]
        if bad:
            out[key] = bad
    return out


def usable(values: Sequence[str], bad: Sequence[str]) -> tuple[str, ...]:
    """The values of one key that the page uses."""
    unused = set(bad)
    return tuple(v for v in values if v not in unused)


def _shown(value: str) -> str:
    flat = "".join(c if c.isprintable() else " " for c in value)  # bidi controls too
    if len(flat) > SHOWN_CHARS:
        flat = flat[: SHOWN_CHARS - 1] + "…"
    return escape_markdown(flat)


def notice(ignored: Mapping[str, Sequence[str]]) -> str:
    """One Markdown line naming what the link asked for and the page ignored, every value
    shown literally and shortened."""
    parts = []
    for key, values in ignored.items():
        shown = ", ".join(f"“{_shown(v)}”" for v in values[:3])
        more = f" and {len(values) - 3} more" if len(values) > 3 else ""
        parts.append(f"**{_shown(key)}** {shown}{more}")
    return ("This link asked for filters this corpus does not have, or in a form the page "
            "cannot read; they were ignored: " + "; ".join(parts) + ".")


def follow_bounds(value: Sequence[date] | None, old: tuple[date, date] | None,
                  new: tuple[date, date]) -> tuple[date, date]:
    """The date picker's value when the corpus's date range changes (an upload, another
    corpus): the whole new range if the user had not narrowed the old one, else their range
    clipped to the new one (the whole range if nothing of it is left)."""
    if not value or len(value) != 2 or old is None or tuple(value) == tuple(old):
        return new
    start, end = max(value[0], new[0]), min(value[1], new[1])
    return (start, end) if start <= end else new
