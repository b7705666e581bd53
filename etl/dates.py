"""Date expressions → intervals with a precision, resolved against the publication date.

`normalize_date` never raises: it returns a `DateValue`, `UNRESOLVED` (a relative expression
with no anchor to resolve it against) or `None` (not a date at all: durations, ages, vague
words, seasons, clock times). Our own rules handle relative expressions and precision, since
off-the-shelf parsers turn "September" into a day and miss "earlier last week"; dateutil parses
absolute dates. The words the rules match (months, weekdays, relative words and their offsets,
words that are not dates) are data, in `etl/rules/dates.toml`; this module says how they combine.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from datetime import date, timedelta
from functools import partial
from typing import Final

from dateutil import parser as dateutil_parser

from etl.lexicon import load_rules
from etl.records import DateValue

UNRESOLVED: Final = "unresolved"




_RULES: Final = load_rules("dates")  # the word lists of etl/rules/dates.toml


def _words_re(words: object) -> str:
    """An alternation of words or phrases, longest first, spaces matching any whitespace."""
    phrases = sorted((str(w) for w in words), key=len, reverse=True)  # type: ignore[attr-defined]
    return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in phrases)


MONTHS: Final[dict[str, int]] = dict(_RULES["months"])
WEEKDAYS: Final[dict[str, int]] = dict(_RULES["weekdays"])
RELATIVE: Final[dict[str, int]] = dict(_RULES["relative"])
DAYS: Final[dict[str, int]] = dict(_RULES["days"])
NUMBERS: Final[dict[str, int]] = dict(_RULES["numbers"])
DIRECTION: Final[dict[str, str]] = dict(_RULES["direction"])

_MONTH_RE = _words_re(MONTHS)
_WEEKDAY_RE = _words_re(WEEKDAYS)
_REL_RE = _words_re(RELATIVE)
_NUMBER_RE = r"\d+|" + _words_re(NUMBERS)
_DAYS_RE = re.compile(rf"\b(?:{_words_re(DAYS)})\b")
_FILLER = re.compile(rf"\b(?:{_words_re(_RULES['filler']['words'])})\b")
_NOT_DATE = re.compile(rf"\b(?:{_words_re(_RULES['not_dates']['words'])})\b")
_DURATION = re.compile(rf"(?:^|\s)(?:{_words_re(_RULES['not_dates']['durations'])})\s+"
                       rf"(?:(?:{_NUMBER_RE})\s+)?(?:days?|weeks?|months?|years?)\b")
_CLOCK = [re.compile(p) for p in _RULES["clock"]["patterns"]]
_ZONE = re.compile(rf"\b(?:{_words_re(_RULES['clock']['zones'])})\b")
_PART_RE = _words_re(_RULES["parts_of_day"]["words"])
_ANAPHORA = re.compile(rf"(?:^|\s)(?:{_words_re(_RULES['anaphora']['forms'])})(?:\s|$)")
# Prepositions read (above) and then dropped from the front of an expression.
_LEADING = (*DIRECTION, "for", "over", "during", "throughout", "from", "on", "in", "at", "to")
_DIRECTION_RE = re.compile(rf"^(?P<prep>{_words_re(DIRECTION)})\s")
_LEADING_RE = re.compile(rf"^(?:{_words_re(_LEADING)}) ")


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


def strip_clock(text: str) -> str:
    """The text without clock times and time zones: "Monday 01:14 GMT" → "Monday"."""
    for pattern in _CLOCK:
        text = pattern.sub(" ", text)
    return text


_DOTTED_DATE = re.compile(r"(?<=\d)\.(?=\d)")  # "18.1.2025", once clock times are gone
_POSSESSIVE = re.compile(r"'s\b")  # "Thursday's meeting", "last week's talks"
_WORD_HYPHEN = re.compile(r"(?<=[a-z])-(?=[a-z])")  # "mid-May", "year-end"
_PUNCTUATION = re.compile(r"[\"“”‘()\[\],.;:!?']+")
_SPACES = re.compile(r"\s+")


def _clean(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u2013", "-").replace("\u2014", "-").lower()
    text = strip_clock(text)
    text = _DOTTED_DATE.sub("/", text)
    text = _POSSESSIVE.sub("", text)
    text = _WORD_HYPHEN.sub(" ", text)
    text = _PUNCTUATION.sub(" ", text)
    text = _ZONE.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def normalize_date(
    text: str, anchor: date | None, *, tense: str = "", context: DateValue | None = None
) -> DateValue | str | None:
    """Resolve `text` against `anchor` (the publication date).

    `tense` is the tense of the clause the date stands in: "future" ("will meet on Monday")
    and "present" ("the summit opens on Friday") point a bare weekday or month forward, "past"
    and unknown point a weekday back; a bare month or day-and-month goes to the side the tense
    says, or with no tense to the nearest occurrence, since news speaks of dates near its own.
    A leading preposition ("since", "by", "for the past") is read as part of the expression.
    `context` is the date the text named last: "That December" and "September of that year"
    are in its year, "the 8th" in its month.
    """
    try:
        return _normalize(_clean(text), anchor, tense, context)
    except (ValueError, OverflowError, KeyError):
        return None


def _normalize(t: str, anchor: date | None, tense: str,
               context: DateValue | None) -> DateValue | str | None:
    if not t or len(t) > 80 or _NOT_DATE.search(t) or _DURATION.search(t):
        return None
    m = _DIRECTION_RE.match(t)
    if m:
        side = DIRECTION[m["prep"]]
        if side == "past":
            tense = "past"  # "since January": a month that has begun, whatever the clause says
        elif tense == "past":
            tense = ""  # "hoped to meet before March": the nearest March
    t = _LEADING_RE.sub("", t)
    absolute = _absolute(t, anchor, tense)
    if absolute is not None:
        return absolute
    anaphoric = _anaphoric(t, context)
    if anaphoric is not None:
        return anaphoric
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
_PREFIX = re.compile(r"^(?:(?:on|in|by|since|until|till|from|of|the|after|before|during|to) )*")
# A month's name as a word, where it may stand in a longer text.
_MONTH_WORD = re.compile(rf"\b(?P<month>{_MONTH_RE})\b")
_ABSOLUTE_PATTERNS = [
    re.compile(rf"^(?:\w+ )?{_MONTH} {_DAY}(?: {_YEAR})?$"),  # (Tuesday) October 29th 2019
    re.compile(rf"^(?:\w+ )?{_DAY} (?:of )?{_MONTH}(?: {_YEAR})?$"),  # (Tuesday) 29 October 2019
    re.compile(rf"^{_YEAR}-(?P<mnum>\d{{1,2}})-(?P<day>\d{{1,2}})$"),  # 2019-10-29
]
_MONTH_YEAR = re.compile(
    rf"^(?:(?:early|late|mid|the end of|the start of|the beginning of|the middle of) )?"
    rf"{_MONTH}(?: of)? {_YEAR}$")
_YEAR_ONLY = re.compile(
    rf"^(?:(?:the year|early|late|mid|the end of|the start of|the beginning of) )?{_YEAR}$")
_NUMERIC = re.compile(r"^(?P<a>\d{1,2})(?P<sep>[/.])(?P<b>\d{1,2})(?P=sep)(?P<year>\d{4})$")


def _absolute(t: str, anchor: date | None, tense: str) -> DateValue | str | None:
    t = _PREFIX.sub("", t)
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
    if re.search(r"\d", t) and _MONTH_WORD.search(t) and re.search(r"\b\d{4}\b", t):
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
    if tense in ("future", "present"):
        candidates = [d for d in candidates if d >= anchor] or candidates
    elif tense == "past":
        candidates = [d for d in candidates if d <= anchor] or candidates
    return min(candidates, key=lambda d: (abs((d - anchor).days), d > anchor))


def _valid_day(year: int, month: int, day: int) -> bool:
    return 1 <= year <= 9999 and 1 <= day <= calendar.monthrange(year, month)[1]


_RANGE = re.compile(
    rf"^(?:from |between )?(?:(?P<m1>{_MONTH_RE}) (?P<d1>[0-3]?\d)(?:st|nd|rd|th)?"
    rf"|(?P<d1b>[0-3]?\d)(?:st|nd|rd|th)?(?: (?P<m1b>{_MONTH_RE}))?)"
    rf" ?(?:-|to|through|till|until|and) ?"
    rf"(?:(?P<m2>{_MONTH_RE}) )?(?P<d2>[0-3]?\d)(?:st|nd|rd|th)?(?: (?P<m2b>{_MONTH_RE}))?"
    rf"(?: {_YEAR})?$")


def normalize_range(text: str, anchor: date | None, *, tense: str = "") -> DateValue | None:
    """A span of calendar days written as one expression ("from March 2 to 4", "2-4 June",
    "June 30 to July 2"): one interval of day precision, or None for anything else."""
    try:
        m = _RANGE.match(re.sub(r"(?<=\d)-(?=\d)", " - ", _clean(text)))
        if not m:
            return None
        month2 = m["m2"] or m["m2b"] or m["m1"] or m["m1b"]
        month1 = m["m1"] or m["m1b"] or month2
        if month1 is None or month2 is None:
            return None
        day1, day2 = int(m["d1"] or m["d1b"]), int(m["d2"])
        if m["year"]:
            year = int(m["year"])
        elif anchor is not None:
            # "is paying a visit from March 2 to 4": a present range may hold the anchor
            year = _nearest_year(anchor, MONTHS[month1], day1,
                                 "" if tense == "present" else tense).year
        else:
            return None
        start = date(year, MONTHS[month1], day1)
        end = date(year, MONTHS[month2], day2)
        if not start < end or (end - start).days > 31:
            return None
        return DateValue(start, end, "day")
    except (ValueError, OverflowError, KeyError):
        return None


_WEEKDAY_WORD = re.compile(rf"\b(?:{_WEEKDAY_RE})\b", re.I)
_WEEKDAY_RANGE = re.compile(
    rf"^(?:from |between )?(?P<a>(?:{_WEEKDAY_RE})(?: (?:{_PART_RE}))?)"
    rf" (?:to|through|till|until|and|-) (?P<b>{_WEEKDAY_RE})\b")


def weekday_range(text: str) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """The character spans of the two weekdays of "Monday to Wednesday" in `text`: two date
    mentions, as the gold counts "on Monday and Tuesday"."""
    found = list(_WEEKDAY_WORD.finditer(text))
    if len(found) != 2 or not _WEEKDAY_RANGE.match(_clean(text)):
        return None
    return found[0].span(), found[1].span()


# --- anaphoric dates ---------------------------------------------------------------------

_ORDINAL_DAY = re.compile(r"^(?:on )?(?:the )?(?P<day>[0-3]?\d)(?:st|nd|rd|th)(?: of the month)?$")
_MONTH_IN_YEAR = re.compile(
    rf"^(?:(?:in|on|by|since|until|from|after|before|during|early|late|mid|the end of|"
    rf"the start of|the beginning of) )*(?P<month>{_MONTH_RE})(?: of)? "
    rf"(?P<rel>{_REL_RE}) year$")


def _anaphoric(t: str, context: DateValue | None) -> DateValue | None:
    """A month or day read in the year or month named before it: "That December",
    "September of that year", "the 8th"; or in a year named relative to the anchor is left to
    the relative rules ("October last year")."""
    if context is None:
        return None
    m = _ORDINAL_DAY.match(t)
    if m:
        if context.precision not in ("day", "month"):
            return None
        return _day(date(context.start.year, context.start.month, int(m["day"])))
    if not _ANAPHORA.search(t):
        return None
    m = _MONTH_WORD.search(t)
    if m and _only_filler(t, m, extra=("that", "same")):
        return _month(context.start.year, MONTHS[m["month"]])
    return None


# --- relative dates ----------------------------------------------------------------------

_Resolver = Callable[[date, str], DateValue]
_UNITS = r"(?:days?|weeks?|months?|years?)"
_COUNTED = re.compile(rf"\b(?:{_NUMBER_RE})\s+{_UNITS}\b")  # a duration, or with "ago"
_AGO = re.compile(rf"\b(?P<n>{_NUMBER_RE})\s+(?P<unit>{_UNITS}) ago\b")
_RELATIVE_WEEKDAY = re.compile(rf"\b(?:(?P<rel>{_REL_RE})\s+)?(?P<wd>{_WEEKDAY_RE})\b")
_RELATIVE_UNIT = {
    unit: re.compile(rf"\b(?P<rel>{_REL_RE})\s+{unit}\b"
                     rf"|\b(?P<bare>(?:the )?(?:start|beginning|end|middle) of the {unit}|"
                     rf"{unit} end|earlier (?:in )?the {unit}|"
                     rf"(?:earlier|later) (?:this|in the) {unit})\b")
    for unit in ("week", "month", "year")}
_RELATIVE_MONTH = re.compile(rf"\b(?:(?P<rel>{_REL_RE})\s+)?(?P<month>{_MONTH_RE})\b")


def _relative_rules(t: str) -> _Resolver | None:
    """Match a relative expression; return a function of (anchor, tense) or None."""
    if _COUNTED.search(t) and "ago" not in t:
        return None  # a duration: "two years", "a month"
    m = _AGO.search(t)
    if m:
        n = _number(m["n"])
        if n <= 0:
            return None  # "a few days ago": no one day
        unit = m["unit"].rstrip("s")
        return lambda a, f: _ago(a, n, unit)
    m = _DAYS_RE.search(t)
    if m:
        offset = DAYS[re.sub(r"\s+", " ", m[0])]
        return lambda a, f: _day(a + timedelta(days=offset))
    m = _MONTH_IN_YEAR.match(t)
    if m:  # "October last year", "April of next year"
        month, shift = MONTHS[m["month"]], RELATIVE[m["rel"]]
        return lambda a, f: _month(a.year + shift, month)
    m = _RELATIVE_WEEKDAY.search(t)
    if m:
        wd, rel = WEEKDAYS[m["wd"]], m["rel"]
        return lambda a, f: _day(_weekday(a, wd, rel, f))
    for unit, pattern in _RELATIVE_UNIT.items():
        m = pattern.search(t)
        if m:
            shift = RELATIVE.get(m["rel"] or "", 0)
            return partial(_unit_resolver, unit=unit, shift=shift)
    m = _RELATIVE_MONTH.search(t)
    if m and _only_filler(t, m):
        month, rel = MONTHS[m["month"]], m["rel"]
        return lambda a, f: _named_month(a, month, rel, f)
    return None


def _only_filler(t: str, m: re.Match[str], extra: tuple[str, ...] = ()) -> bool:
    """True when nothing but filler words surrounds the matched expression."""
    rest = (t[: m.start()] + " " + t[m.end():]).strip()
    rest = _FILLER.sub("", rest)
    for word in extra:
        rest = re.sub(rf"\b{word}\b", "", rest)
    return not rest.strip()


def _number(word: str) -> int:
    return int(word) if word.isdigit() else NUMBERS[word]


def _ago(anchor: date, n: int, unit: str) -> DateValue:
    if unit == "day":
        return _day(anchor - timedelta(days=n))
    if unit == "week":
        return _week_of(anchor - timedelta(weeks=n))
    if unit == "month":
        return _month(*_shift_month(anchor.year, anchor.month, -n))
    return _year(anchor.year - n)


def _weekday(anchor: date, wd: int, rel: str | None, tense: str) -> date:
    """A named weekday: the latest one on or before the anchor, or the next one ahead; "this
    Thursday" is the Thursday of the anchor's week."""
    shift = RELATIVE.get(rel or "")
    if shift == 0:
        return anchor + timedelta(days=wd - anchor.weekday())
    if shift is None and tense == "present" and wd == anchor.weekday():
        return anchor  # "is holding talks on Sunday" in a Sunday paper: that day
    if shift == 1 or (shift is None and tense in ("future", "present")):
        return anchor + timedelta(days=(wd - anchor.weekday()) % 7 or 7)
    back = (anchor.weekday() - wd) % 7
    if shift == -1 and back == 0:
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
    shift = RELATIVE.get(rel or "")
    if shift == 1:
        year = anchor.year if month > anchor.month else anchor.year + 1
    elif shift == -1:
        year = anchor.year if month < anchor.month else anchor.year - 1
    elif shift == 0:
        year = anchor.year
    else:
        back = anchor.year if month <= anchor.month else anchor.year - 1
        ahead = anchor.year if month >= anchor.month else anchor.year + 1
        if tense == "past":
            year = back
        elif tense in ("future", "present"):
            year = ahead
        else:
            months_back = (anchor.year - back) * 12 + anchor.month - month
            months_ahead = (ahead - anchor.year) * 12 + month - anchor.month
            year = back if months_back <= months_ahead else ahead
    return _month(year, month)


# ---------------------------------------------------------------------------------------------
# Full dates as publication lines and records write them ("29 Oct 2019", "2019-10-29",
# "Thu, 28 Nov 2024 11:40:00 GMT", 12/03/2021). The metadata reader uses these; a day is never
# invented from a partial date here.

MONTH_NUMBERS = {name[:3]: number for name, number in MONTHS.items()}  # "sep" for "Sept."
MONTH_NAME_RE = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_LINE_MONTH = rf"(?P<mon>{MONTH_NAME_RE})\.?"
ORDINAL_RE = r"(?:st|nd|rd|th)?"
_FULL_DATE_RES = (
    # 2019-10-29, 2019/10/29 (also the date part of an ISO timestamp)
    re.compile(r"(?<!\d)(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?!\d)"),
    # 29 October 2019, 29th of Oct. 2019
    re.compile(rf"(?<!\w)(?P<d>\d{{1,2}}){ORDINAL_RE}\s+(?:of\s+)?{_LINE_MONTH},?\s+"
               r"(?P<y>\d{4})(?!\d)", re.I),
    # October 29th, 2019
    re.compile(rf"(?<!\w){_LINE_MONTH}\s+(?P<d>\d{{1,2}}){ORDINAL_RE},?\s+"
               r"(?P<y>\d{4})(?!\d)", re.I),
    # 12/03/2021, 12.03.2021, 12-03-2021, 18.1.2021: day-first unless impossible
    re.compile(r"(?<![\d/.-])(?P<a>\d{1,2})([/.-])(?P<b>\d{1,2})\2(?P<y>\d{4})(?!\d)"),
)
# A year, or a month and year: enough to recognise a publication line, not to date it.
PARTIAL_DATE_RE = re.compile(rf"(?<!\w)(?:{_LINE_MONTH},?\s+)?(?P<y>(?:1[89]|20)\d\d)(?!\d)", re.I)

def valid_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _date_from_match(m: re.Match[str]) -> date | None:
    groups = m.groupdict()
    year = int(groups["y"])
    if groups.get("a") is not None:
        first, second = int(groups["a"]), int(groups["b"])
        return valid_date(year, second, first) or valid_date(year, first, second)
    month = MONTH_NUMBERS[groups["mon"][:3].lower()] if groups.get("mon") else int(groups["m"])
    return valid_date(year, month, int(groups["d"]))


def find_date(text: str) -> tuple[date, tuple[int, int]] | None:
    """The first full day-month-year date in ``text`` and its span, or None.

    A partial date ("March 2021") is not a date here: a day is never invented.
    """
    best: tuple[date, tuple[int, int]] | None = None
    for pattern in _FULL_DATE_RES:
        for m in pattern.finditer(text):
            if best is not None and m.start() >= best[1][0]:
                break
            value = _date_from_match(m)
            if value is not None:
                best = (value, m.span())
                break
    return best


def parse_date(text: str) -> date | None:
    """A full date anywhere in ``text`` (ISO, "29 Oct 2019", "October 29th, 2019", 12/03/2021,
    "Thu, 28 Nov 2024 11:40:00 GMT", "2024-05-16T09:30:00-04:00")."""
    found = find_date(text)
    return found[0] if found else None


def date_span(text: str) -> tuple[date | None, tuple[int, int]] | None:
    """A full date, else a year or month-and-year, with its span: what marks a dated line."""
    found = find_date(text)
    if found:
        return found
    m = PARTIAL_DATE_RE.search(text)
    return (None, m.span()) if m else None
