"""Date expressions → intervals with a precision, resolved against the publication date.

`normalize_date` never raises: it returns a `DateValue`, `UNRESOLVED` (a relative expression
with no anchor to resolve it against) or `None` (not a date at all: durations, ages, vague
words). Our own rules handle relative expressions and precision, since off-the-shelf parsers
turn "September" into a day and miss "earlier last week"; dateutil parses absolute dates.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from datetime import date, timedelta
from functools import partial
from typing import Final

from dateutil import parser as dateutil_parser

from etl.records import DateValue

UNRESOLVED: Final = "unresolved"

MONTHS = {
    name.lower(): i
    for i in range(1, 13)
    for name in (calendar.month_name[i], calendar.month_abbr[i])
}
MONTHS["sept"] = 9
WEEKDAYS = {calendar.day_name[i].lower(): i for i in range(7)}

_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))
_WEEKDAY_RE = "|".join(WEEKDAYS)
# Words that carry no date information around a date expression.
_FILLER = re.compile(
    r"\b(?:on|in|at|by|during|since|until|from|of|the|this|that|past|earlier|later|late|early|"
    r"beginning|start|end|middle|mid|around|about|some|time|as|before|after|previous|last|next|"
    r"coming|current|same|day|days|week|weeks|month|months|year|years|ago)\b",
    re.I,
)


def _day(d: date) -> DateValue:
    return DateValue(d, d, "day")


def _week_of(d: date) -> DateValue:
    monday = d - timedelta(days=d.weekday())
    return DateValue(monday, monday + timedelta(days=6), "week")


def _month(year: int, month: int) -> DateValue:
    last = calendar.monthrange(year, month)[1]
    return DateValue(date(year, month, 1), date(year, month, last), "month")


def _year(year: int) -> DateValue:
    return DateValue(date(year, 1, 1), date(year, 12, 31), "year")


def _shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _clean(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u2013", "-").replace("\u2014", "-")
    text = re.sub(r"[\"“”‘()\[\],.;:!?]+", " ", text)
    return re.sub(r"\s+", " ", text).strip().lower()


def normalize_date(
    text: str, anchor: date | None, *, tense: str = ""
) -> DateValue | str | None:
    """Resolve `text` against `anchor` (the publication date).

    `tense` is the tense of the clause the date stands in: "future" ("will meet on Monday")
    and "present" ("the summit opens on Friday") point a bare weekday forward, "past" and
    unknown point it back; a bare month or day-and-month goes to the side the tense says, or
    with no tense to the nearest occurrence, since news speaks of dates near its own.
    """
    try:
        return _normalize(_clean(text), anchor, tense)
    except (ValueError, OverflowError):
        return None


def _normalize(t: str, anchor: date | None, tense: str) -> DateValue | str | None:
    if not t or len(t) > 80:
        return None
    if t.startswith("since "):
        tense = "past"  # "since January": a month that has begun, whatever the clause's tense
    absolute = _absolute(t, anchor, tense)
    if absolute is not None:
        return absolute
    relative = _relative_rules(t)
    if relative is None:
        return None
    if anchor is None:
        return UNRESOLVED
    return relative(anchor, tense)


# --- absolute dates ----------------------------------------------------------------------

_YEAR = r"(?P<year>(?:1[89]|20)\d{2})"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_MONTH = rf"(?P<month>{_MONTH_RE})"
_ABSOLUTE_PATTERNS = [
    re.compile(rf"^(?:\w+ )?{_MONTH} {_DAY}(?: {_YEAR})?$"),  # (Tuesday) October 29th 2019
    re.compile(rf"^(?:\w+ )?{_DAY} (?:of )?{_MONTH}(?: {_YEAR})?$"),  # (Tuesday) 29 October 2019
    re.compile(rf"^{_YEAR}-(?P<mnum>\d{{1,2}})-(?P<day>\d{{1,2}})$"),  # 2019-10-29
]
_MONTH_YEAR = re.compile(rf"^(?:(?:early|late|mid|the end of|the start of) )?{_MONTH} {_YEAR}$")
_YEAR_ONLY = re.compile(rf"^(?:(?:in|the year|early|late|mid|during) )?{_YEAR}$")
_NUMERIC = re.compile(r"^(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<year>\d{4})$")


def _absolute(t: str, anchor: date | None, tense: str) -> DateValue | str | None:
    t = re.sub(r"^(?:on|in|by|since|until|from|of|the) ", "", t)
    for pattern in _ABSOLUTE_PATTERNS:
        m = pattern.match(t)
        if not m:
            continue
        groups = m.groupdict()
        month = int(groups["mnum"]) if groups.get("mnum") else MONTHS[groups["month"]]
        day = int(groups["day"])
        if groups.get("year"):
            return _day(date(int(groups["year"]), month, day))
        if anchor is None:
            return UNRESOLVED  # a day and month without a year needs the publication year
        return _day(_nearest_year(anchor, month, day, tense))
    m = _MONTH_YEAR.match(t)
    if m:
        return _month(int(m["year"]), MONTHS[m["month"]])
    m = _YEAR_ONLY.match(t)
    if m:
        return _year(int(m["year"]))
    m = _NUMERIC.match(t)
    if m:
        a, b = int(m["a"]), int(m["b"])
        day, month = (a, b) if b <= 12 else (b, a)  # day first unless impossible
        return _day(date(int(m["year"]), month, day))
    if re.search(r"\d", t) and re.search(_MONTH_RE, t) and re.search(r"\b\d{4}\b", t):
        try:
            parsed = dateutil_parser.parse(t, fuzzy=True, dayfirst=True)
        except (ValueError, OverflowError):
            return None
        return _day(parsed.date())
    return None


def _nearest_year(anchor: date, month: int, day: int, tense: str) -> date:
    """The occurrence of month/day on the side of the anchor the tense points to."""
    candidates = [date(anchor.year + k, month, day) for k in (-1, 0, 1)
                  if _valid_day(anchor.year + k, month, day)]
    if tense == "future":
        candidates = [d for d in candidates if d >= anchor] or candidates
    elif tense == "past":
        candidates = [d for d in candidates if d <= anchor] or candidates
    return min(candidates, key=lambda d: (abs((d - anchor).days), d > anchor))


def _valid_day(year: int, month: int, day: int) -> bool:
    return 1 <= day <= calendar.monthrange(year, month)[1]


# --- relative dates ----------------------------------------------------------------------

_Resolver = Callable[[date, str], DateValue]


def _relative_rules(t: str) -> _Resolver | None:
    """Match a relative expression; return a function of (anchor, tense) or None."""
    if re.search(r"\b(?:hours?|minutes?|decades?|centuries|century)\b", t):
        return None
    if re.search(r"\b(?:\d+|two|three|four|five|six|seven|eight|nine|ten|several|few|a)\s+"
                 r"(?:days?|weeks?|months?|years?)\b", t) and "ago" not in t:
        return None  # a duration: "two years", "a month"
    m = re.search(r"\b(?P<n>\d+|two|three|four|five|six|seven|eight|nine|ten|a)\s+"
                  r"(?P<unit>days?|weeks?|months?|years?) ago\b", t)
    if m:
        n = _number(m["n"])
        unit = m["unit"].rstrip("s")
        return lambda a, f: _ago(a, n, unit)
    if re.search(r"\btoday\b|\btonight\b|\bthis morning\b|\bthis afternoon\b|\bthis evening\b", t):
        return lambda a, f: _day(a)
    if re.search(r"\byesterday\b|\blast night\b", t):
        return lambda a, f: _day(a - timedelta(days=1))
    if re.search(r"\btomorrow\b", t):
        return lambda a, f: _day(a + timedelta(days=1))
    m = re.search(rf"\b(?P<rel>last|next|this|coming|past|previous)?\s*(?P<wd>{_WEEKDAY_RE})\b", t)
    if m:
        wd, rel = WEEKDAYS[m["wd"]], m["rel"]
        return lambda a, f: _day(_weekday(a, wd, rel, f))
    for unit in ("week", "month", "year"):
        m = re.search(rf"\b(?P<rel>last|next|this|coming|past|previous|current|the same)\s+{unit}\b"
                      rf"|\b(?P<bare>(?:the )?(?:start|beginning|end|middle) of the {unit}|"
                      rf"earlier (?:in )?the {unit}|earlier this {unit}|later this {unit})\b", t)
        if m:
            shift = {"last": -1, "past": -1, "previous": -1, "next": 1, "coming": 1}.get(
                m["rel"] or "", 0)
            return partial(_unit_resolver, unit=unit, shift=shift)
    m = re.search(rf"\b(?P<rel>last|next|this|coming|past|previous)?\s*(?P<month>{_MONTH_RE})\b", t)
    if m and _only_filler(t, m):
        month, rel = MONTHS[m["month"]], m["rel"]
        return lambda a, f: _named_month(a, month, rel, f)
    return None


def _only_filler(t: str, m: re.Match[str]) -> bool:
    """True when nothing but filler words surrounds the matched expression."""
    rest = (t[: m.start()] + " " + t[m.end():]).strip()
    return not _FILLER.sub("", rest).strip()


_NUMBERS = {"a": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9, "ten": 10}


def _number(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBERS[word]


def _ago(anchor: date, n: int, unit: str) -> DateValue:
    if unit == "day":
        return _day(anchor - timedelta(days=n))
    if unit == "week":
        return _week_of(anchor - timedelta(weeks=n))
    if unit == "month":
        return _month(*_shift_month(anchor.year, anchor.month, -n))
    return _year(anchor.year - n)


def _weekday(anchor: date, wd: int, rel: str | None, tense: str) -> date:
    """A named weekday: the latest one on or before the anchor, or the next one ahead."""
    if rel in ("next", "coming") or (rel is None and tense in ("future", "present")):
        return anchor + timedelta(days=(wd - anchor.weekday()) % 7 or 7)
    back = (anchor.weekday() - wd) % 7
    if rel in ("last", "past", "previous") and back == 0:
        back = 7
    return anchor - timedelta(days=back)


def _unit_resolver(anchor: date, tense: str, *, unit: str, shift: int) -> DateValue:
    return _unit(anchor, unit, shift)


def _unit(anchor: date, unit: str, shift: int) -> DateValue:
    if unit == "week":
        return _week_of(anchor + timedelta(weeks=shift))
    if unit == "month":
        return _month(*_shift_month(anchor.year, anchor.month, shift))
    return _year(anchor.year + shift)


def _named_month(anchor: date, month: int, rel: str | None, tense: str) -> DateValue:
    """A month name alone: last, next, or the one the tense (else nearness) points to."""
    if rel in ("next", "coming"):
        year = anchor.year if month > anchor.month else anchor.year + 1
    elif rel in ("last", "past", "previous"):
        year = anchor.year if month < anchor.month else anchor.year - 1
    else:
        back = anchor.year if month <= anchor.month else anchor.year - 1
        ahead = anchor.year if month >= anchor.month else anchor.year + 1
        if tense == "past":
            year = back
        elif tense == "future":
            year = ahead
        else:
            months_back = (anchor.year - back) * 12 + anchor.month - month
            months_ahead = (ahead - anchor.year) * 12 + month - anchor.month
            year = back if months_back <= months_ahead else ahead
    return _month(year, month)
