"""An event's frame from the discourse: what its own clause left unsaid, taken from before it.

`etl.events` fills each event from its clause alone. News writing spreads one encounter over
sentences ("They landed in Accra on Sunday. The next day they met ..."), so a frame with no
date, venue or participants is filled here, in one fixed order for each slot, and every fill
says where it came from:

* date: a relative phrase of its sentence ("the next day") counted from the day the story last
  named; else the date of a past clause in the sentences just before, in the same paragraph;
* venue: the place "there" points to, or where the story last had its people arrive; else the
  venue of the event told just before, in the same paragraph; else the article's dateline;
* participants: "they", "both", "the two leaders" stand for the people of the event told just
  before, else for the people named in the sentence before.

A held event dated after the publication date is a planned one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta

from etl.lexicon import NOUN_TRIGGERS, TITLE_WORDS, TYPE_FAMILY, load_rules
from etl.records import DateValue, Event, Mention, ParsedArticle, Place, Token
from etl.syntax import ancestors, children, clause_verb, subject, tense

_RULES = load_rules("frames")
RELATIVE_DAYS: dict[str, int] = _RULES["relative_days"]
WINDOW: int = _RULES["discourse"]["window"]
RELATIVE_WINDOW: int = _RULES["discourse"]["relative_window"]
RECENT_DAYS: int = _RULES["discourse"]["dateline_days"]
SHORT_PARAGRAPH: int = _RULES["discourse"]["short_paragraph"]
UNDATED_DAYS: int = _RULES["discourse"]["undated_days"]
ARRIVAL_VERBS = frozenset(_RULES["discourse"]["arrival_verbs"])
ARRIVAL_PREPOSITIONS = frozenset(_RULES["discourse"]["arrival_prepositions"])
PLURAL_SUBJECTS = frozenset(_RULES["discourse"]["plural_subjects"])
IN_PERSON = frozenset({"meeting", "visit", "briefing", "talks", "other"})
# Kinds one encounter may be told as within an article: talks at a meeting, not a visit.
SAME_ENCOUNTER = {"meeting": "meeting", "talks": "meeting", "visit": "visit", "call": "call",
                  "briefing": "meeting", "other": "other"}
DEFINITE = frozenset(_RULES["discourse"]["definite"])
ANOTHER = frozenset(_RULES["discourse"]["another"])
OCCASION = frozenset(_RULES["discourse"]["occasion"])
OFFICIALS = TITLE_WORDS | {"leader", "head"}
DATELINE_VENUE = "the article's dateline (no venue in the sentence or the ones before)"
_RELATIVE_RE = re.compile(
    r"\b(" + "|".join(re.escape(p) for p in sorted(RELATIVE_DAYS, key=len, reverse=True))
    + r")\b", re.I)
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
# How a date not in the clause was found, the first words of its reason.
COUNTED = "counted from"  # "The next day" after "on Sunday"
CONTINUED = "as in sentence"  # an undated report that goes on telling the one before
UNDATED = "none in the text"  # the days up to the publication date
NAMED = "the date of"  # "on the sidelines of the summit": the summit told before


@dataclass(frozen=True, slots=True)
class _Dated:
    """A date the story named (or gave an event), where it stands in the text."""

    sentence_id: int
    token: int
    value: DateValue
    text: str  # as a reason quotes it: "'on Sunday'", "the date of 'talks'"


def fill_frames(parsed: ParsedArticle, mentions: list[Mention], events: list[Event],
                dateline: Place | None,
                affiliations: Mapping[str, tuple[str, str]] | None = None) -> list[Event]:
    """The events with their empty slots filled from the discourse, in text order."""
    tokens = parsed.tokens
    sentences = {s.sentence_id: tokens[s.start: s.end] for s in parsed.sentences}
    paragraph = _paragraphs(parsed)
    published = parsed.article.published
    dated = [_Dated(m.sentence_id, m.tok_start, m.date, f"'{m.text}'") for m in mentions
             if m.kind == "date" and m.date is not None and m.tok_start >= 0
             and _past_clause(tokens, m.tok_start)
             and (published is None or m.date.start <= published)]  # not 'joining next year'
    places = [(m, m.place) for m in mentions if m.kind == "place" and m.place is not None
              and not m.dateline and m.tok_start >= 0]
    persons = [m for m in mentions if m.kind == "person" and m.tok_start >= 0]
    affiliations = affiliations or {}
    done: list[Event] = []  # the events told before the one at hand, in text order
    for event in sorted(events, key=lambda e: (e.sentence_id, e.trigger)):
        if event.date is None and event.status != "cancelled":
            event = _fill_date(event, tokens, sentences, paragraph, dated, done, published)
        if event.place is None and event.event_type in IN_PERSON and event.status != "cancelled" \
                and not event.remote:
            event = _fill_venue(event, tokens, sentences, paragraph, places, done, dateline,
                                published)
        event = _officials_for_countries(event, tokens, affiliations)
        if len(event.actors) < 2:
            event = _fill_participants(event, tokens, persons, done)
        if event.status == "held" and event.date and published and event.date.start > published:
            event = replace(event, status="planned")  # "travels to Houston next Monday to meet"
        if event.date is not None and event.status == "held" and not event.date_reason.startswith(
                UNDATED):
            dated.append(_Dated(event.sentence_id, event.trigger, event.date,
                                f"the date of '{tokens[event.trigger].text}'"))
            dated.sort(key=lambda d: d.token)
        retold = _retold(event, done, tokens, sentences[event.sentence_id], affiliations)
        if retold is not None:
            done[done.index(retold)] = _merge(retold, event)
            continue
        done.append(event)
    # A held encounter of no one the text names is a misreading ("two clubs met in the final").
    return [e for e in done if e.actors or e.status != "held"]


def _retold(event: Event, done: list[Event], tokens: list[Token], sentence: list[Token],
            affiliations: Mapping[str, tuple[str, str]]) -> Event | None:
    """The event just told that this report goes on telling: 'held talks in Doha on Saturday.
    The session was chaired by ...' is one encounter, not two. A definite noun ('the
    session', 'their meeting') of the same kind, or the same people at the same place and day.
    """
    own_clause = tokens[event.trigger].dep != "pobj"  # not "said during the meeting"
    if event.status != "held" or event.date_reason.startswith(COUNTED) or own_clause and any(
            c.dep == "advmod" and c.lower in ANOTHER for c in children(tokens, event.anchor)):
        return None  # "earlier in the day", "also held talks": an encounter of its own
    found = _event_named(tokens, sentence, event, done)
    if found is not None and _names_itself(tokens, found[1], event):
        return found[0]
    for e in reversed(done):
        if e.sentence_id < event.sentence_id - RELATIVE_WINDOW:
            return None
        if e.status != "held" or SAME_ENCOUNTER.get(e.event_type) != SAME_ENCOUNTER.get(
                event.event_type) or not _compatible(e, event):
            continue
        near = e.sentence_id >= event.sentence_id - WINDOW
        same_people = bool(event.actors) and set(event.actors) <= set(e.actors) or (
            near and _represent(event, e, affiliations))
        goes_on = event.date_reason.startswith(CONTINUED) and \
            e.sentence_id == event.sentence_id - 1
        if same_people or near and (_definite(tokens, event) or goes_on):
            return e
    return None


def _represent(event: Event, told: Event, affiliations: Mapping[str, tuple[str, str]]) -> bool:
    """'Talks between Egypt and Ethiopia ... The Ethiopian and Egyptian ministers met': the
    people of the report who speak for a country speak for one of the event told before
    (a host or a chair may speak for none)."""
    countries = {name for name, kind in told.actors if kind == "country"}
    sides = [affiliations[name][0] for name, kind in event.actors
             if kind == "person" and name in affiliations]
    return bool(countries) and bool(sides) and set(sides) <= countries


def _definite(tokens: list[Token], event: Event) -> bool:
    trigger = tokens[event.trigger]
    return trigger.pos == "NOUN" and any(
        c.dep in ("det", "poss") and c.lower in DEFINITE for c in children(tokens, trigger.i))


def _compatible(a: Event, b: Event) -> bool:
    """Two reports that may tell one encounter: no different day, no different place."""
    if a.date is not None and b.date is not None and (
            a.date.start > b.date.end or b.date.start > a.date.end):
        return False
    return not (a.place is not None and b.place is not None and a.place.name != b.place.name
                and DATELINE_VENUE not in (a.place.reason, b.place.reason))


def _merge(first: Event, again: Event) -> Event:
    """One encounter told twice: the first report, with what the second adds."""
    return replace(first, actors=list(dict.fromkeys([*first.actors, *again.actors])),
                   date=first.date or again.date,
                   place=first.place if first.place is not None and (
                       first.place.reason != DATELINE_VENUE or again.place is None)
                   else again.place,
                   reason=f"{first.reason}; told again in sentence {again.sentence_id}")


def _paragraphs(parsed: ParsedArticle) -> dict[int, int]:
    """sentence_id → the number of the passage it is in: a paragraph (blank lines apart), or
    a run of short ones, since wire copy gives each sentence or two a paragraph of its own
    and a break there does not end the account."""
    breaks = [m.start() for m in _PARAGRAPH_BREAK.finditer(parsed.article.text)]
    out: dict[int, int] = {}
    k = passage = size = 0
    for s in parsed.sentences:
        crossed = False
        while k < len(breaks) and breaks[k] < s.start_char:
            k, crossed = k + 1, True
        if crossed:
            passage, size = passage + (size > SHORT_PARAGRAPH), 0
        out[s.sentence_id] = passage
        size += 1
    return out


def _past_clause(tokens: list[Token], i: int) -> bool:
    """A date that tells when the story happened: not when it will ('will meet on Friday'),
    nor the background before it ('had arrived on Monday evening', 'Girón, who flew in on
    Wednesday, said')."""
    verb = clause_verb(tokens, i)
    return verb is None or not _pluperfect(tokens, i) and tokens[verb].dep != "relcl" \
        and tense(tokens, verb) != "future"


def _pluperfect(tokens: list[Token], i: int) -> bool:
    """The clause of token i tells what had happened before: 'had arrived'."""
    verb = clause_verb(tokens, i)
    return verb is not None and any(c.dep == "aux" and c.lower == "had"
                                    for c in children(tokens, verb))


def _fill_date(event: Event, tokens: list[Token], sentences: dict[int, list[Token]],
               paragraph: dict[int, int], dated: list[_Dated], before: list[Event],
               published: date | None) -> Event:
    sentence = "".join(t.text + t.ws for t in sentences[event.sentence_id])
    earlier = [d for d in dated if d.token < event.trigger
               and event.sentence_id - RELATIVE_WINDOW <= d.sentence_id]
    relative = _RELATIVE_RE.search(sentence)
    if relative is not None:
        days = [d for d in earlier if d.value.precision == "day"]
        if not days:
            return event
        anchor = days[-1]
        offset = RELATIVE_DAYS[relative.group(1).lower()]
        day = anchor.value.start + timedelta(days=offset)
        return replace(event, date=DateValue(day, day, "day"), date_reason=(
            f"{COUNTED} {anchor.text} (sentence {anchor.sentence_id}): "
            f"'{relative.group(1)}'"))
    found = _event_named(tokens, sentences[event.sentence_id], event, before)
    if found is not None and found[0].date is not None:  # "on the sidelines of the summit"
        named = found[0]
        return replace(event, date=named.date, date_reason=(
            f"{NAMED} '{tokens[named.trigger].text}' (sentence {named.sentence_id})"))
    if event.status != "held":
        return event
    same = [d for d in earlier if paragraph.get(d.sentence_id) == paragraph.get(
        event.sentence_id) and event.sentence_id - WINDOW <= d.sentence_id < event.sentence_id]
    if same:
        last = same[-1]
        told = [e for e in before if e.date is not None and e.sentence_id == last.sentence_id]
        if not told or TYPE_FAMILY.get(told[-1].event_type) == TYPE_FAMILY.get(
                event.event_type):  # else the date is another kind's (a call before a visit)
            return replace(event, date=last.value,
                           date_reason=f"{CONTINUED} {last.sentence_id}: {last.text}")
    if published is not None:  # news tells what just happened
        return replace(event, date=DateValue(published - timedelta(days=UNDATED_DAYS),
                                             published, "week"),
                       date_reason=f"{UNDATED}: the {UNDATED_DAYS} days up to the "
                                   "publication date")
    return event


def _event_named(tokens: list[Token], sentence: list[Token], event: Event,
                 before: list[Event]) -> tuple[Event, Token] | None:
    """The earlier event a definite noun of the sentence names, and the noun: 'the summit' in
    'on the sidelines of the summit, X and Y held talks'."""
    for t in sentence:
        if t.i == event.trigger or t.lemma not in NOUN_TRIGGERS or not any(
                c.dep == "det" and c.lower in DEFINITE for c in children(tokens, t.i)):
            continue
        for e in reversed(before):
            if e.status == "held" and tokens[e.trigger].lemma == t.lemma \
                    and not e.date_reason.startswith(UNDATED):
                return e, t
    return None


def _names_itself(tokens: list[Token], noun: Token, event: Event) -> bool:
    """'hosted them for the talks', 'spoke at the meeting': the noun is this event's own
    occasion, so the report tells the earlier event again; 'on the sidelines of the summit'
    names an occasion the report's own encounter was part of."""
    prep = tokens[noun.head]
    return noun.dep == "pobj" and prep.lower in OCCASION and event.anchor in {
        t.i for t in ancestors(tokens, prep.i)}


def _fill_venue(event: Event, tokens: list[Token], sentences: dict[int, list[Token]],
                paragraph: dict[int, int], places: list[tuple[Mention, Place]],
                before: list[Event], dateline: Place | None, published: date | None) -> Event:
    earlier = [(m, p) for m, p in places if m.tok_end <= event.trigger
               and event.sentence_id - WINDOW <= m.sentence_id]
    clause_words = {t.lower for t in sentences[event.sentence_id]}
    if "there" in clause_words and earlier:
        m, place = earlier[-1]
        return replace(event, place=_with_reason(place, f"'there': {m.text}, "
                                                         f"sentence {m.sentence_id}"))
    for m, place in reversed(earlier):
        if m.sentence_id == event.sentence_id or paragraph.get(m.sentence_id) != paragraph.get(
                event.sentence_id):
            continue
        if _arrived_at(tokens, m):
            return replace(event, place=_with_reason(
                place, f"arrived in {m.text} (sentence {m.sentence_id})"))
    for m, place in places:  # "received X on Tuesday. X had arrived in Tbilisi on Monday."
        if m.sentence_id == event.sentence_id + 1 and _arrived_at(tokens, m) and _pluperfect(
                tokens, m.tok_start):
            return replace(event, place=_with_reason(
                place, f"had arrived in {m.text} (sentence {m.sentence_id})"))
    for e in reversed(before):
        if e.place is not None and e.status == event.status \
                and e.place.reason != DATELINE_VENUE \
                and paragraph.get(e.sentence_id) == paragraph.get(event.sentence_id) \
                and TYPE_FAMILY.get(e.event_type) == TYPE_FAMILY.get(event.event_type) \
                and (set(e.actors) & set(event.actors) or event.date_reason.startswith(CONTINUED)):
            return replace(event, place=_with_reason(
                e.place, f"the venue of the event told in sentence {e.sentence_id}"))
    if dateline is not None and _recent(event, published):
        return replace(event, place=_with_reason(dateline, DATELINE_VENUE))
    return event


def _recent(event: Event, published: date | None) -> bool:
    """An event of the days the story was filed in: the dateline may be its venue. A meeting
    'in May 2019' told in a 2023 story from Alexandria did not happen where the story was
    written."""
    if event.date is None or published is None:
        return True
    return abs((event.date.start - published).days) <= RECENT_DAYS


def _arrived_at(tokens: list[Token], m: Mention) -> bool:
    """'landed in Accra', 'flew into Brussels', 'arrived at Villamor Air Base'."""
    last = tokens[m.tok_end - 1]
    if last.dep != "pobj":
        return False
    prep = tokens[last.head]
    if prep.lower not in ARRIVAL_PREPOSITIONS:
        return False
    verb = tokens[prep.head]
    return verb.lemma in ARRIVAL_VERBS


def _fill_participants(event: Event, tokens: list[Token], persons: list[Mention],
                       before: list[Event]) -> Event:
    if event.anchor < 0:
        return event
    subj = subject(tokens, event.anchor)
    if subj is None or not _plural_subject(tokens, subj):
        return event
    for e in reversed(before):
        if e.sentence_id >= event.sentence_id - WINDOW and len(e.actors) >= 2:
            return _with_actors(event, e.actors, f"'{_phrase(tokens, subj)}': the people of "
                                                 f"the event in sentence {e.sentence_id}")
    named = [m for m in persons if m.sentence_id == event.sentence_id - 1]
    actors = list(dict.fromkeys((m.name, "person") for m in named))
    if actors:
        return _with_actors(event, actors, f"'{_phrase(tokens, subj)}': the people named in "
                                           f"sentence {event.sentence_id - 1}")
    return event


def _officials_for_countries(event: Event, tokens: list[Token],
                             affiliations: Mapping[str, tuple[str, str]]) -> Event:
    """'The fisheries ministers of Norway and Iceland met': the ministers take part, not the
    countries. Each country the plural title names is replaced by the one person the article
    introduces as speaking for it, when there is exactly one."""
    if event.anchor < 0:
        return event
    subj = subject(tokens, event.anchor)
    if subj is None or subj.tag != "NNS" or subj.lemma not in OFFICIALS:
        return event
    named = {t.text for t in tokens[subj.i: subj.i + 12] if t.sentence_id == subj.sentence_id}
    actors, changed = list(event.actors), []
    for name, kind in event.actors:
        if kind != "country" or not set(name.split()) <= named:
            continue
        people = [p for p, (country, _) in affiliations.items() if country == name]
        if len(people) == 1:
            actors[actors.index((name, kind))] = (people[0], "person")
            changed.append(f"{name}: {people[0]}")
    if not changed:
        return event
    return replace(event, actors=list(dict.fromkeys(actors)), actors_reason=(
        f"'{_phrase(tokens, subj)} of' a country: " + "; ".join(changed)))


def _plural_subject(tokens: list[Token], subj: Token) -> bool:
    """'They', 'Both', 'The two leaders', 'the two sides'."""
    if subj.lower in PLURAL_SUBJECTS:
        return True
    words = " ".join(t.lower for t in sorted([subj, *children(tokens, subj.i)],
                                              key=lambda t: t.i) if t.dep != "prep")
    return any(words.startswith(p + " ") for p in PLURAL_SUBJECTS) and subj.tag == "NNS"


def _phrase(tokens: list[Token], subj: Token) -> str:
    kids = [t for t in children(tokens, subj.i) if t.i < subj.i]
    return " ".join(t.text for t in [*kids, subj])


def _with_actors(event: Event, actors: list[tuple[str, str]], why: str) -> Event:
    merged = list(dict.fromkeys([*event.actors, *actors]))
    return replace(event, actors=merged, actors_reason=why)


def _with_reason(place: Place, reason: str) -> Place:
    return Place(place.name, place.country_code, place.lat, place.lon, place.precision, reason)
