"""A parsed article → mentions and events, stage by stage: the one place that knows the order.

actors (canonical names, titles) → places (countries, then places in the context they give)
→ dates (against the publication date) → events (over all of the above).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from functools import lru_cache

from etl import actors as actor_rules
from etl.dates import MONTHS, UNRESOLVED, normalize_date, normalize_range, weekday_range
from etl.events import find_events
from etl.frames import fill_frames
from etl.gazetteer import Gazetteer, normalize_name
from etl.lexicon import (
    DEMONYMS,
    GROUP_WORDS,
    HONORIFICS,
    NEWS_AGENCIES,
    RESCHEDULING,
    SITE_WORDS,
    is_region,
)
from etl.metadata import parse_dateline
from etl.nlp import DEPARTMENTS
from etl.places import Neighbours, PlaceContext, PlaceResolver
from etl.records import (
    Article,
    DateValue,
    Entity,
    Event,
    Extraction,
    Mention,
    ParsedArticle,
    Place,
    Token,
)
from etl.syntax import children, clause_verb, tense
from etl.toponyms import names_in_organizations, places_inside, toponym_mentions

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
# Labels of numbers and amounts: never an actor or a place.
NOT_NAMES = frozenset({"TIME", "CARDINAL", "ORDINAL", "QUANTITY", "MONEY", "PERCENT"})


def extract(parsed: ParsedArticle, places: PlaceResolver) -> Extraction:
    """Everything Parley extracts from one article, a pure function of it, stage by stage:
    entity spans corrected; dates, countries and organisations; people with one canonical
    name each; places in the context of the article's countries and dateline; title and role
    references; then events from their clauses, filled from the discourse."""
    entities = corrected_entities(parsed, places)
    full_names = _full_names(entities, places)
    mentions, people, place_entities = _sorted_mentions(parsed, entities, full_names, places)
    people.extend(_bare_surnames(parsed, entities, full_names))
    person_mentions = _person_mentions(parsed, people)
    mentions += person_mentions
    named = [_split_qualifier(e, entities, parsed.tokens) for e in place_entities]
    neighbours = places.neighbours([*(n for pair in named for n in pair if n),
                                    *names_in_organizations(parsed, mentions, places)])
    mentions = [_region_not_country(m, neighbours, places) for m in mentions]
    shares = _country_shares(mentions)
    dateline = _resolve_dateline(parsed.article, places, shares, neighbours)
    context = PlaceContext(dateline_country=dateline.country_code if dateline else "",
                           country_shares=shares, neighbours=neighbours)
    mentions += _place_mentions(parsed, place_entities, named, entities, mentions, places,
                                dateline, context)
    mentions = [_town_not_group(m, places, context) for m in mentions]
    mentions += _towns_among_places(parsed, entities, mentions, places, context)
    nationality = _demonyms(parsed.tokens)
    references, affiliations = _title_references(parsed, mentions, person_mentions, places,
                                                  nationality)
    mentions += references
    mentions += _capitals(parsed, mentions, places, dateline, nationality)
    mentions.sort(key=lambda m: (m.start, m.end))
    events = fill_frames(parsed, mentions, find_events(parsed, mentions, dateline, affiliations),
                         dateline, affiliations)
    events = [_drawn_at_capital(e, places) for e in events]
    mentions += toponym_mentions(parsed, mentions, _qualifiers(place_entities, entities,
                                                               parsed.tokens), places, context)
    mentions.sort(key=lambda m: (m.start, m.end))
    return Extraction(parsed.article, len(parsed.sentences), mentions, events)


def _region_not_country(m: Mention, neighbours: Neighbours, places: PlaceResolver) -> Mention:
    """'Georgia' in a story whose other places are American is the state, not the country."""
    if m.kind != "country" or m.place is None:
        return m
    place = places.country_or_region(m.text, neighbours)
    if place is None or place.precision == "country":
        return m
    return replace(m, kind="place", name=place.name, reason=place.reason, place=place)


def _drawn_at_capital(event: Event, places: PlaceResolver) -> Event:
    """A venue the text names only by its country ("talks in Qatar") is drawn at the capital,
    where such meetings are held; it keeps country precision, which says so."""
    venue = event.place
    if venue is None or venue.precision != "country":
        return event
    capital = places.capital(venue.country_code)
    if capital is None:
        return event
    return replace(event, place=replace(capital, precision="country",
                                        reason=f"{venue.reason}, drawn at its capital"))


def corrected_entities(parsed: ParsedArticle, places: PlaceResolver) -> list[Entity]:
    """The one place where entity spans and labels are corrected: the source is no actor, a
    place glued to a name goes, labels the text contradicts change, cities the model missed
    are added, an office is no person."""
    publisher = normalize_name(parsed.article.publisher) if parsed.article.publisher else ""
    tokens = parsed.tokens
    entities = [e for e in parsed.entities if not _is_source(e.text, publisher)]
    entities = [_drop_place_prefix(e, tokens, places) if e.label == "PERSON" else e
                for e in entities]
    entities = [_relabel(e, tokens, places) for e in entities]
    entities = _relabel_by_surname(entities, places)
    entities = _places_by_context(entities, tokens, places)
    entities = sorted([*entities, *_bare_places(parsed, entities, places)], key=lambda e: e.start)
    return [e for e in entities if e.label not in ("PERSON", "ORG")
            or not (_names_office(e, tokens) if e.label == "PERSON" else
                    _names_portfolio(e, tokens)) and not _not_an_actor(e, places.gazetteer)]


def _full_names(entities: list[Entity], places: PlaceResolver) -> set[str]:
    """Names the article gives in full: they decide what a bare surname or a mislabelled
    span is."""
    return {n for n in (actor_rules.strip_titles(e.text) for e in entities
                        if e.label == "PERSON")
            if len(n.split()) > 1 and places.gazetteer.country(n) is None}


def _sorted_mentions(parsed: ParsedArticle, entities: list[Entity], full_names: set[str],
                     places: PlaceResolver
                     ) -> tuple[list[Mention], list[tuple[Entity, str]], list[Entity]]:
    """Date, country and organisation mentions, and the entities that are people or places
    (resolved later, in the context of the whole article)."""
    gazetteer = places.gazetteer
    tokens = parsed.tokens
    mentions: list[Mention] = []
    people: list[tuple[Entity, str]] = []
    place_entities: list[Entity] = []
    for e in entities:
        if e.label in DATE_LABELS and actor_rules.person_for(e.text, full_names) is None:
            mentions.extend(_date_mentions(parsed, e, mentions))
            continue
        if e.label in NOT_NAMES:
            continue
        name = actor_rules.strip_titles(e.text)
        if actor_rules.person_for(name, full_names) is not None:
            people.append((e, name))  # "Mbaye" tagged as a place is still the envoy
            continue
        country = actor_rules.country_name(e.text, gazetteer)
        if country is not None and _dateline_region(e, parsed.article):
            continue  # "Kenya" in "NAIROBI, Kenya (AP) —" says which Nairobi
        if country is not None and (e.label != "NORP" or normalize_name(e.text) ==
                                    normalize_name(country[0])):  # "Tajikistan" tagged NORP
            mentions.append(_mention(parsed, e, "country", country[0],
                                     place=places.country(e.text)))
        elif e.label in ("PERSON", "ORG") and (_is_city(name, places) or _is_site(name)):
            place_entities.append(e)  # "Kyiv" tagged as a person, "State House" as a group
        elif e.label == "PERSON" and name:
            people.append((e, name))
        elif e.label == "ORG":
            mentions.append(_mention(parsed, e, "organization", actor_rules.organization_body(
                actor_rules.canonical_organization(e.text))))
        elif e.label in _NAMED_THINGS and (acronym := _leading_acronym(e, tokens)):
            mentions.append(_mention(parsed, e, "organization", acronym))  # "ECOWAS Protocol"
        elif e.label in PLACE_LABELS and _is_group(e.text) and not (
                e.label == "FAC" and _is_site(e.text)):  # "City Hall" is the building
            mentions.append(_mention(parsed, e, "organization",  # "the G7", "APEC Cooperation"
                                     actor_rules.canonical_organization(e.text)))
        elif e.label in PLACE_LABELS:
            place_entities.append(e)
    _one_name_per_organization(mentions)
    return mentions, people, place_entities


def _person_mentions(parsed: ParsedArticle, people: list[tuple[Entity, str]]) -> list[Mention]:
    """People, one canonical name each within the article."""
    canonical = actor_rules.canonical_people([name for _, name in people])
    out = []
    for e, name in people:
        full, why = canonical[name]
        out.append(_mention(parsed, e, "person", full, reason=why))
    return out


def _country_shares(mentions: list[Mention]) -> dict[str, float]:
    """Each country's share of the article's country mentions: context for its places."""
    codes = Counter(m.place.country_code for m in mentions if m.kind == "country" and m.place)
    total = sum(codes.values()) or 1
    return {code: n / total for code, n in codes.items()}


def _place_mentions(parsed: ParsedArticle, place_entities: list[Entity],
                    named: list[tuple[str, str]], entities: list[Entity],
                    mentions: list[Mention], places: PlaceResolver, dateline: Place | None,
                    context: PlaceContext) -> list[Mention]:
    """Places, in the context of the article's countries, dateline and other places; a site
    is put in the city named just before it."""
    tokens = parsed.tokens
    qualifiers = {q.start for e in place_entities if (q := _qualifier_entity(e, entities, tokens))}
    found: list[Mention] = []
    for e, (name, qualifier) in zip(place_entities, named, strict=True):
        if e.start in qualifiers:
            continue  # "Texas" in "Paris, Texas" is part of the place's name
        if e.end - e.start == 1 and tokens[e.start].pos == "ADJ":
            continue  # a nationality tagged as a place ("Ukrainian")
        if not places.is_place_name(name):
            continue  # a continent, a sea, a river: no place of a meeting
        ctx = replace(context, qualifier=places.qualifier_codes(qualifier))
        if dateline is not None and normalize_name(name) == normalize_name(
                parsed.article.dateline):
            place: Place | None = dateline  # "in Paris" in a "PARIS, Texas" story
        else:
            place = places.resolve(name, ctx)
        if place is None and _is_site(name):
            place = _site_place(name, _host_city([*mentions, *found], e.sentence_id, tokens),
                                dateline)
        if place is None:
            place = _named_inside(parsed, e, name, places, ctx)
        display = place.name if place else name
        mention = _mention(parsed, e, "place", display, place=place,
                           reason=place.reason if place else "not in the gazetteer")
        mention.dateline = e.start == 0 and place is dateline and dateline is not None
        found.append(mention)
    return found


def _title_references(parsed: ParsedArticle, mentions: list[Mention],
                      person_mentions: list[Mention], places: PlaceResolver,
                      nationality: dict[int, str]
                      ) -> tuple[list[Mention], dict[str, tuple[str, str]]]:
    """'The prime minister' is the person introduced with that title; and whom each person
    speaks for, (country name, code), as their titles say."""
    tokens = parsed.tokens
    article = parsed.article
    person_spans = [(m.tok_start, m.tok_end, m.name) for m in person_mentions]
    country_at = {**nationality,
                  **{i: m.place.country_code for m in mentions
                     if m.kind == "country" and m.place for i in range(m.tok_start, m.tok_end)}}
    intros = actor_rules.title_intros(parsed, person_spans, country_at)
    person_tokens = {i for s, e, _ in person_spans for i in range(s, e)}
    found = []
    for ref in actor_rules.title_references(parsed, country_at, person_tokens):
        resolved = actor_rules.resolve_reference(ref, intros)
        if resolved is None:
            continue
        start, end = tokens[ref.start], tokens[ref.end - 1]
        found.append(Mention(
            article.article_id, start.sentence_id, start.idx, end.idx + len(end.text),
            article.text[start.idx: end.idx + len(end.text)], "person", resolved[0],
            reason=resolved[1], tok_start=ref.start, tok_end=ref.end))
    affiliations: dict[str, tuple[str, str]] = {}
    for intro in intros:
        known = places.gazetteer.countries.get(intro.country_code)
        if known is not None and intro.person not in affiliations:
            affiliations[intro.person] = (known.name, known.code)
    return found, affiliations


def _capitals(parsed: ParsedArticle, mentions: list[Mention], places: PlaceResolver,
              dateline: Place | None, nationality: dict[int, str]) -> list[Mention]:
    """'in the Kazakh capital', 'in the capital': a place where no name is written. A
    nationality names the country whose capital it is; a bare 'the capital' is the dateline
    city's own country's capital, when the dateline is one. A name in apposition ('the Kazakh
    capital, Astana') is a mention of its own and wins."""
    tokens = parsed.tokens
    taken = {i for m in mentions for i in range(m.tok_start, m.tok_end)}
    found = []
    for t in tokens:
        if t.lower != "capital" or t.pos != "NOUN" or t.i in taken or t.dep != "pobj" or any(
                c.dep == "appos" for c in children(tokens, t.i)):
            continue
        start = t.i
        while start > 0 and (start - 1) in nationality:
            start -= 1
        code = nationality.get(start, "")
        capital = places.capital(code) if code else None
        if capital is not None:
            place = capital
        elif not code and dateline is not None and _is_capital(dateline, places):
            place = replace(dateline, precision="city", reason="'the capital': the dateline city")
        else:
            continue
        first = tokens[start]
        found.append(Mention(parsed.article.article_id, t.sentence_id, first.idx,
                             t.idx + len(t.text), parsed.article.text[first.idx: t.idx
                                                                      + len(t.text)],
                             "place", place.name, place=place, reason=place.reason,
                             tok_start=start, tok_end=t.i + 1))
    return found


def _is_capital(place: Place, places: PlaceResolver) -> bool:
    country = places.gazetteer.countries.get(place.country_code)
    return country is not None and normalize_name(country.capital) == normalize_name(place.name)


def _demonyms(tokens: list[Token]) -> dict[int, str]:
    """Tokens of nationality adjectives and the country they name ("Ethiopian", "South
    Sudanese"): they say whom a title speaks for, never make a country an actor."""
    found: dict[int, str] = {}
    for t in tokens:
        if not t.text[:1].isupper():
            continue
        pair = f"{tokens[t.i - 1].lower} {t.lower}" if t.i else ""
        code = DEMONYMS.get(pair) or DEMONYMS.get(t.lower)
        if code:
            found[t.i] = code
    return found


def _relabel(e: Entity, tokens: list[Token], places: PlaceResolver) -> Entity:
    """Correct a label the model got wrong where the text itself says better: a name
    after a title or in apposition to one is a person ("the chairperson of the AU
    Commission, Amadou Diallo"); a known city tagged as a product or a nationality is a place.
    """
    label = e.label
    if label in ("ORG", "GPE", "NORP", "PRODUCT", "WORK_OF_ART", "EVENT", "LAW") and \
            _looks_like_person(e, tokens, places):
        label = "PERSON"
    elif label in ("PRODUCT", "WORK_OF_ART", "EVENT", "NORP") and _is_city(e.text, places):
        label = "GPE"
    if label == e.label:
        return e
    return Entity(e.start, e.end, e.start_char, e.end_char, label, e.text, e.sentence_id)


def _looks_like_person(e: Entity, tokens: list[Token], places: PlaceResolver) -> bool:
    """A name the text itself calls a person: after a title or a word for a person ("his
    Swedish counterpart Jon Berg"), in apposition to one (either way round: "the chair of the
    Commission, Jon Berg", "Jon Berg, the prime minister of ..."), or followed by ", who"."""
    words = e.text.split()
    if not 1 <= len(words) <= 4 or not all(w[:1].isupper() for w in words):
        return False
    if {normalize_name(w) for w in words} & GROUP_WORDS or places.gazetteer.country(e.text) \
            or _is_town(e.text, places) or e.text.isupper():
        return False
    last = tokens[e.end - 1]
    before = tokens[e.start - 1] if e.start > 0 else None
    after_title = before is not None and (_names_a_person(before.text) or
                                          _word(before.text) in HONORIFICS)
    if len(words) == 1:
        return after_title  # one word: only a title right before it says it is a name
    if before is not None and before.text in ("'s", "\u2019s") and e.start > 1 and \
            places.gazetteer.country(tokens[e.start - 2].text) is not None and \
            not {normalize_name(w) for w in words} & SITE_WORDS:
        return True  # "Norway's Jon Berg": a country's named person
    apposed = False
    if last.dep == "appos":
        head = tokens[last.head]  # "the chairperson of the AU Commission, Amadou Diallo"
        while head.dep == "pobj" and tokens[head.head].lower in ("of", "for"):
            head = tokens[tokens[head.head].head]
        apposed = _names_a_person(head.lemma)
    described = any(c.dep == "appos" and c.i > last.i and _names_a_person(c.lemma)
                    for c in children(tokens, last.i))
    who = e.end + 1 < len(tokens) and tokens[e.end].text == "," and tokens[e.end + 1].lower \
        == "who"
    return after_title or apposed or described or who


def _word(text: str) -> str:
    return text.lower().rstrip(".")


def _names_a_person(word: str) -> bool:
    """A title of office or a word for a person's role ("counterpart")."""
    return actor_rules.is_title_word(word) or actor_rules.is_person_noun(word)


def _relabel_by_surname(entities: list[Entity], places: PlaceResolver) -> list[Entity]:
    """'Jon Berg' or 'Berg' tagged a group or a place where 'Berg' (or 'Jon Berg') is a person
    elsewhere in the article: a person's name is one in every mention, so the person tags
    (the model's and those `_relabel` gave) are evidence for the other mentions. Known towns
    and countries are left alone."""
    surnames = {normalize_name(e.text.split()[-1]) for e in entities if e.label == "PERSON"
                and e.text.split() and not _is_city(e.text.split()[-1], places)}
    out = []
    for e in entities:
        words = e.text.split()
        if e.label in ("ORG", "NORP", "GPE", "FAC") and 1 <= len(words) <= 4 and \
                all(w[:1].isupper() and not w.isupper() for w in words) and \
                normalize_name(words[-1]) in surnames and \
                not {normalize_name(w) for w in words} & GROUP_WORDS and \
                places.gazetteer.country(e.text) is None and not _is_town(e.text, places):
            e = Entity(e.start, e.end, e.start_char, e.end_char, "PERSON", e.text, e.sentence_id)
        out.append(e)
    return out


# Prepositions after which a known town is the town, whoever else bears its name.
_LOCATIVE = frozenset({"in", "at", "to", "from", "near", "outside", "via", "toward", "towards"})


def _places_by_context(entities: list[Entity], tokens: list[Token],
                       places: PlaceResolver) -> list[Entity]:
    """A person or a group that is a town the gazetteer knows, written after a locative
    preposition ("crossed to Tornio", "talks in Ohrid"), is the town; so is every other
    mention of that name in the article, unless a title or a full name says otherwise."""
    towns: set[str] = set()
    for e in entities:
        if e.label in ("PERSON", "ORG") and e.start > 0 and \
                tokens[e.start - 1].lower in _LOCATIVE and _town_name(e, tokens, places):
            towns.add(normalize_name(e.text))
    if not towns:
        return entities
    out = []
    for e in entities:
        if e.label in ("PERSON", "ORG") and normalize_name(e.text) in towns and not (
                e.start > 0 and _names_a_person(tokens[e.start - 1].text)):
            e = Entity(e.start, e.end, e.start_char, e.end_char, "GPE", e.text, e.sentence_id)
        out.append(e)
    return out


def _town_name(e: Entity, tokens: list[Token], places: PlaceResolver) -> bool:
    words = e.text.split()
    if not 1 <= len(words) <= 3 or not all(w[:1].isupper() for w in words):
        return False
    if e.end < len(tokens) and tokens[e.end].text in ("'s", "\u2019s"):
        return False
    return _is_town(e.text, places, main_name=True)


def _not_an_actor(e: Entity, gazetteer: Gazetteer) -> bool:
    """Capitalised words the model tags as a person or a group that name no actor: a
    nationality, a broad region or a river, a speaker label or a time zone, a body named by
    common nouns, a bare title, or words with no capital letter at all."""
    text = actor_rules.canonical_organization(e.text)
    if not any(c.isalpha() for c in text) or not any(c.isupper() for c in text):
        return True
    return actor_rules.is_nationality(text, gazetteer) or is_region(text) or \
        actor_rules.is_speaker_label(text) or actor_rules.is_generic_body(text) or \
        (e.label == "PERSON" and actor_rules.is_title_alone(text))


# Labels of named things that are not actors themselves but may carry one ("the ECOWAS
# Protocol", "UN talks"): an attributive organization name counts as a mention of it.
_NAMED_THINGS = frozenset({"LAW", "EVENT", "PRODUCT", "WORK_OF_ART"})


def _leading_acronym(e: Entity, tokens: list[Token]) -> str:
    first = next((t for t in tokens[e.start:e.end] if t.lower != "the"), None)
    if first is None or first.i == e.end - 1:
        return ""
    text = first.text
    return text if len(text) >= 2 and text.isupper() and text.isalpha() else ""


def _one_name_per_organization(mentions: list[Mention]) -> None:
    """An acronym and its expansion in one article ("Zambezi River Authority" and "ZRA") are
    one organization: the expansion's name for both."""
    names = {m.name for m in mentions if m.kind == "organization"}
    expansion = {}
    for name in names:
        acronym = actor_rules.acronym_of(name)
        if len(name.split()) > 1 and len(acronym) >= 2 and acronym in names:
            expansion[acronym] = name
    for m in mentions:
        if m.kind == "organization" and m.name in expansion:
            m.name = expansion[m.name]
            m.reason = f"acronym of {m.name}, named in the article"


def _names_office(e: Entity, tokens: list[Token]) -> bool:
    """'Tajik Foreign' in 'Tajik Foreign Minister ...', 'Tajik' in 'the Tajik minister': the
    model's person is the affiliation of a title, not a name."""
    if actor_rules.ends_in_office(e.text) or (
            e.end < len(tokens) and actor_rules.is_title_word(tokens[e.end].text)
            and tokens[e.end].sentence_id == e.sentence_id):
        return True
    # 'his Tajik counterpart': one word modifying a common noun describes, it does not name.
    last = tokens[e.end - 1]
    head = tokens[last.head]
    return e.end - e.start == 1 and last.dep in ("compound", "amod") and head.i == e.end \
        and head.pos == "NOUN" and head.text.islower()


def _names_portfolio(e: Entity, tokens: list[Token]) -> bool:
    """'Kazakh Foreign' (Minister), 'Agriculture' in 'Agriculture Commissioner', 'Energy' in
    'Minister of Energy': a group the model made of the portfolio of a title."""
    words = [normalize_name(w) for w in e.text.split()]
    if actor_rules.ends_in_office(e.text) and words[-1] not in GROUP_WORDS | {"state"}:
        return True
    if not words or words[-1] not in DEPARTMENTS:
        return False
    before = tokens[e.start - 1] if e.start > 0 else None
    after = tokens[e.end] if e.end < len(tokens) else None
    if after is not None and after.sentence_id == e.sentence_id and \
            actor_rules.is_title_word(after.text):
        return True
    return before is not None and before.lower in ("of", "for") and e.start > 1 and \
        actor_rules.is_title_word(tokens[e.start - 2].text) and \
        all(w in DEPARTMENTS or w in ("and", "&") for w in words)


def _is_source(text: str, publisher: str) -> bool:
    """The publisher or a news agency credited in the dateline: the source, not an actor."""
    name = normalize_name(text)
    return bool(publisher and name == publisher) or name in NEWS_AGENCIES


# A city this big is what its name means, whoever else bears it.
BIG_CITY = 100_000


# A town this big has a name a reader knows as a town's; smaller ones bear the names of
# people and things ("Trump", "Reading").
KNOWN_TOWN = 15_000


def _is_town(name: str, places: PlaceResolver, *, main_name: bool = False) -> bool:
    """A town big enough that a name equal to it may well be the town."""
    return any(city.population >= KNOWN_TOWN and (primary or not main_name)
               for city, primary in places.gazetteer.cities(name))


def _is_city(name: str, places: PlaceResolver) -> bool:
    """A city big enough that a name equal to it is the city, not a person or a group."""
    return any(primary and city.population >= BIG_CITY
               for city, primary in places.gazetteer.cities(name))


def _dateline_region(e: Entity, article: Article) -> bool:
    """'Kenya' in 'NAIROBI, Kenya (AP) —' says which Nairobi: the story's source, no actor."""
    return bool(article.dateline_region) and e.sentence_id == 0 and e.start_char < 80 and \
        normalize_name(e.text) == normalize_name(article.dateline_region)


def _is_group(name: str) -> bool:
    """A name the model took for a place that names a group: "G7", "Economic Cooperation"."""
    words = normalize_name(name).split()
    return bool(words) and (words[-1] in GROUP_WORDS or re.fullmatch(r"g\d{1,2}", words[-1])
                            is not None)


def _is_site(name: str) -> bool:
    """'State House', 'the Palais des Nations': a named building or ground. A word for one
    alone names no site: 'the House' is the chamber, 'the Palace' the people in it."""
    words = [w.removesuffix("s") if w.endswith("gs") else w
             for w in re.sub(r"^the ", "", normalize_name(name)).split()]
    return len(words) > 1 and (words[-1] in SITE_WORDS or words[0] in SITE_WORDS)


def _drop_place_prefix(e: Entity, tokens: list[Token], places: PlaceResolver) -> Entity:
    """'Consul General in Karachi Li Wenhao': a place glued to the front of a name."""
    if e.end - e.start < 3 or e.start == 0 or tokens[e.start - 1].lower not in ("in", "of",
                                                                                  "from", "at"):
        return e
    first = tokens[e.start].text
    if not (_is_city(first, places) or places.gazetteer.country(first) is not None):
        return e
    second = tokens[e.start + 1]
    return Entity(e.start + 1, e.end, second.idx, e.end_char, e.label,
                  e.text[second.idx - e.start_char:], e.sentence_id)


def _bare_surnames(parsed: ParsedArticle, entities: list[Entity],
                   full_names: set[str]) -> list[tuple[Entity, str]]:
    """Capitalised words outside any entity that name a person the article introduced."""
    covered = {i for e in entities for i in range(e.start, e.end)}
    found = []
    for t in parsed.tokens:
        if t.i in covered or t.pos not in ("PROPN", "NOUN") or not t.text[:1].isupper() \
                or len(t.text) < 2:
            continue
        if actor_rules.person_for(t.text, full_names) is not None:
            found.append((Entity(t.i, t.i + 1, t.idx, t.idx + len(t.text), "PERSON", t.text,
                                 t.sentence_id), t.text))
    return found


BEFORE_A_CITY = frozenset({"in", "at", "to", "from", "near", "outside"})


def _name_run(tokens: list[Token], i: int, covered: set[int]) -> int:
    """Where a run of up to three capitalised proper nouns from token i ends, none of them
    inside an entity or mention already (i itself when token i starts none)."""
    end = i
    while end < len(tokens) and end - i < 3 and end not in covered \
            and tokens[end].pos == "PROPN" and tokens[end].text[:1].isupper():
        end += 1
    return end


def _bare_places(parsed: ParsedArticle, entities: list[Entity],
                 places: PlaceResolver) -> list[Entity]:
    """'talks in Entebbe' where the model saw no entity: a capitalised name after a locative
    preposition that is a city's own name in the gazetteer (50,000 people or more)."""
    tokens = parsed.tokens
    covered = {i for e in entities for i in range(e.start, e.end)}
    found = []
    for t in tokens[1:]:
        if t.i in covered or tokens[t.i - 1].text.lower() not in BEFORE_A_CITY \
                or t.pos != "PROPN" or not t.text[:1].isupper():
            continue
        end = _name_run(tokens, t.i, covered)
        for stop in range(end, t.i, -1):
            last = tokens[stop - 1]
            name = parsed.article.text[t.idx: last.idx + len(last.text)]
            if any(primary and city.population >= 50_000
                   for city, primary in places.gazetteer.cities(name)):
                found.append(Entity(t.i, stop, t.idx, last.idx + len(last.text), "GPE", name,
                                    t.sentence_id))
                covered.update(range(t.i, stop))
                break
    return found


# The share of the article's other places near a town the model did not see that makes the
# name the town's: most of them.
AMONG_PLACES = 0.5


def _town_not_group(m: Mention, places: PlaceResolver, context: PlaceContext) -> Mention:
    """A group named exactly like a town near most of the article's other places is the town
    ("Moorhead closed two bridges" after Fargo and Grand Forks), as a capital named for its
    government is ("Beijing would announce")."""
    if m.kind != "organization" or not any(
            primary for _, primary in places.gazetteer.cities(m.text)):
        return m
    place = _town_among_places(m.text, places, context)
    if place is None:
        return m
    return replace(m, kind="place", name=place.name, place=place, reason=place.reason)


def _town_among_places(name: str, places: PlaceResolver, context: PlaceContext) -> Place | None:
    place = places.resolve(name, context)
    if place is None or place.precision != "city" or context.neighbours.near_share(
            name, place.country_code, "", place.lat, place.lon) < AMONG_PLACES:
        return None
    return place


def _towns_among_places(parsed: ParsedArticle, entities: list[Entity], mentions: list[Mention],
                        places: PlaceResolver, context: PlaceContext) -> list[Mention]:
    """Capitalised names the model saw no entity in that are towns near most of the article's
    other places ("Fargo" and "Moorhead" in a story from Minnesota): the evidence that
    `_bare_places` takes from a preposition, taken from the neighbourhood."""
    tokens = parsed.tokens
    covered = {i for e in entities for i in range(e.start, e.end)} | {
        i for m in mentions for i in range(m.tok_start, m.tok_end)}
    found = []
    i = 0
    while i < len(tokens):
        end = _name_run(tokens, i, covered)
        for stop in range(end, i, -1):
            first, last = tokens[i], tokens[stop - 1]
            name = parsed.article.text[first.idx:last.idx + len(last.text)]
            if not any(primary for _, primary in places.gazetteer.cities(name)):
                continue
            place = _town_among_places(name, places, context)
            if place is not None:
                found.append(Mention(parsed.article.article_id, first.sentence_id, first.idx,
                                     last.idx + len(last.text), name, "place", place.name,
                                     place=place, reason=place.reason, tok_start=i,
                                     tok_end=stop))
                break
        i = max(end, i + 1)
    return found


def _host_city(mentions: list[Mention], sentence_id: int, tokens: list[Token]) -> Place | None:
    """The city named last before a site, in its sentence or the one before: "talks in
    Entebbe ... hosting them at State House" puts State House in Entebbe, not at the dateline.
    The seat of a title ("the consul general in Seattle") is where a person works, not a
    city the story is in."""
    for m in reversed(mentions):
        if m.kind != "place" or m.sentence_id < sentence_id - 1:
            continue
        if m.tok_start >= 2 and tokens[m.tok_start - 1].lower in ("in", "at") and \
                actor_rules.is_word_of_title(tokens[m.tok_start - 2].text):
            continue
        if m.place is not None and m.place.precision == "city" and not m.dateline:
            return m.place
    return None


# The share of an article's other places near a town named inside a longer name that makes
# the name the town's (as in `etl.places.score`).
NEAR_ENOUGH = 0.2


def _named_inside(parsed: ParsedArticle, e: Entity, name: str, places: PlaceResolver,
                  context: PlaceContext) -> Place | None:
    """A name the gazetteer lacks that holds a region or a country it knows, a town near the
    article's other places, or a big city ("Lamar County Commissioners", "the Dublin
    Community Center" among Ohio towns, "the City of Montreal"): put at the place inside, as
    precisely as that place is known. A site takes a town only near the article's other
    places: sites are named after people and ideas ("Churchill Downs", "the Palace of
    Independence")."""
    inner = next(places_inside(parsed, e.start, e.end, places, context), None)
    if inner is None:
        return None
    start, end, place = inner
    written = parsed.article.text[parsed.tokens[start].idx:parsed.tokens[end - 1].idx +
                                  len(parsed.tokens[end - 1].text)]
    big = any(primary and c.population >= BIG_CITY and (c.lat, c.lon) == (place.lat, place.lon)
              for c, primary in places.gazetteer.cities(written))
    if place.precision == "city" and (_is_site(name) or not big) and \
            context.neighbours.near_share(written, place.country_code, "", place.lat,
                                          place.lon) < NEAR_ENOUGH:
        return None
    return replace(place, name=name, reason=f"named after {place.name}: {place.reason}")


def _site_place(name: str, host: Place | None, dateline: Place | None) -> Place | None:
    """A site missing from the gazetteer (a palace, a hotel), put at the city it is in."""
    at, which = (host, "the city named just before it") if host else (dateline, "the dateline")
    if at is None:
        return None
    return Place(name, at.country_code, at.lat, at.lon, "city",
                 f"a site not in the gazetteer, put at {at.name}, {which}")


def _mention(parsed: ParsedArticle, e: Entity, kind: str, name: str, *,
             place: Place | None = None, reason: str = "") -> Mention:
    return Mention(parsed.article.article_id, e.sentence_id, e.start_char, e.end_char, e.text,
                   kind, name, place=place, reason=reason, tok_start=e.start, tok_end=e.end)


def _date_mentions(parsed: ParsedArticle, e: Entity, before: list[Mention]) -> list[Mention]:
    """The date mentions of one DATE (or TIME) entity, resolved against the publication date in
    the direction its clause points: none for a duration, a season or a clock time, two for
    "from Monday to Wednesday", one interval for "from March 2 to 4"."""
    if e.label != "DATE" and not _DAY_WORD.search(e.text):
        return []  # a time of day ("17:55", "the next morning"), unless it names a day
    if _in_dateline(parsed.article.text, e.start_char):
        return []  # "HANOI, March 3 (Xinhua) --": publication metadata, not a mention
    tokens = parsed.tokens
    when = _date_tense(tokens, e)
    prep = tokens[e.start - 1] if e.start > 0 else None
    text = e.text
    if prep is not None and prep.sentence_id == e.sentence_id and (
            (prep.pos in ("ADP", "SCONJ") and prep.lower in DATE_PREPOSITIONS)
            or (prep.lower == "that" and tokens[e.start].lower.rstrip(".") in MONTHS)):
        text = f"{prep.lower} {text}"  # "since November", "for the past year", "That December"
    published = parsed.article.published
    parts = weekday_range(e.text)
    if parts is not None:  # "from Monday to Wednesday": a mention for each day
        found = []
        for a, b in parts:
            value = normalize_date(e.text[a:b], published, tense=when)
            found.append(_date_value_mention(parsed, e, value, e.start_char + a,
                                             e.start_char + b))
        return [m for m in found if m is not None]
    span = normalize_range(text, published, tense=when)
    value = span if span is not None else normalize_date(
        text, published, tense=when, context=_last_date(before))
    m = _date_value_mention(parsed, e, value, e.start_char, e.end_char)
    return [m] if m is not None else []


DATE_LABELS = frozenset({"DATE", "TIME"})
# Prepositions read with the date they govern: they give its direction or make it a duration.
DATE_PREPOSITIONS = frozenset({"since", "after", "before", "by", "until", "till", "for", "over",
                               "during", "throughout", "from"})
_DAY_WORD = re.compile(r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|"
                       r"tonight|yesterday|tomorrow)\b", re.I)
# Words of a clause that plans or expects something: "is scheduled for December".
_PARTICIPLE_DEPS = frozenset({"acl", "advcl", "prep", "pcomp", "amod", "relcl"})
_PLANNED = frozenset({"schedule", "expect", "due", "plan", "set", "slate", "mean", "suppose",
                      "intend", "pencil"})


def _date_value_mention(parsed: ParsedArticle, e: Entity, value: DateValue | str | None,
                        start: int, end: int) -> Mention | None:
    if value is None:
        return None
    tokens = parsed.tokens
    tok_start = next((t.i for t in tokens[e.start:e.end] if t.idx + len(t.text) > start), e.start)
    tok_end = next((t.i for t in tokens[tok_start:e.end] if t.idx >= end), e.end)
    text = parsed.article.text[start:end]
    m = Mention(parsed.article.article_id, e.sentence_id, start, end, text, "date", "",
                tok_start=tok_start, tok_end=tok_end)
    if value == UNRESOLVED:
        m.reason = "relative date; no publication date"
        return m
    assert isinstance(value, DateValue)
    m.name = value.iso if value.start == value.end or value.precision != "day" else \
        f"{value.start.isoformat()}/{value.end.isoformat()}"  # a span of days, ISO 8601
    m.date = value
    return m


def _last_date(mentions: list[Mention]) -> DateValue | None:
    """The date the text named last: "That December" and "the 8th" are read in it."""
    for m in reversed(mentions):
        if m.kind == "date" and m.date is not None:
            return m.date
    return None


def _date_tense(tokens: list[Token], e: Entity) -> str:
    """The direction a date points in: the tense of its clause, read for dates.

    A participle or gerund with no auxiliary ("leaders holding their summit on Sunday
    warned", "Following Thursday's meeting, she said") takes the time of the clause it hangs
    on. A plan in the present ("is scheduled for December", "is expected in October") points
    ahead; a plan in the past ("had been expected in October", "was to have been held", "an
    invitation to visit in December") is seen from an earlier day, so the nearest occurrence
    is taken.
    """
    verb = clause_verb(tokens, e.start)
    if verb is None:
        return ""
    planned_participle = climbed = False
    for _ in range(4):
        token = tokens[verb]
        if any(c.dep in ("aux", "auxpass") for c in children(tokens, verb)) or \
                token.head == verb or token.dep not in _PARTICIPLE_DEPS:
            break
        if token.tag == "VBN" and token.lemma in _PLANNED:
            planned_participle = True  # "a visit set for Wednesday, was called off"
        elif token.tag != "VBG":
            break  # "the agreement reached on Friday": done, so past
        above = clause_verb(tokens, token.head)
        if above is None:
            break
        verb, climbed = above, True
    token = tokens[verb]
    aux_words = {c.lower for c in children(tokens, verb) if c.dep in ("aux", "auxpass")}
    when = tense(tokens, verb)
    if planned_participle:
        return "" if when == "past" else "future"
    if not when and token.tag == "VB" and not aux_words and any(
            c.dep == "nsubj" for c in children(tokens, verb)):
        when = "present"  # "Tickets go on sale on Friday": a finite verb tagged as a base form
    if climbed and when == "past":
        return ""  # a weekday still looks back; "a proclamation declaring July 14": the nearest
    if token.lemma in _PLANNED:
        if aux_words & {"is", "are", "am", "'s", "'re", "be"} or token.tag in ("VBZ", "VBP"):
            return "future"
        if when == "past":
            return ""
    prep = tokens[tokens[e.end - 1].head]
    if prep.lower in ("until", "till", "to") and tokens[verb].lemma in RESCHEDULING:
        return "future"  # "postponed until June": the new date lies ahead
    if when == "past" and "to" in aux_words and token.dep in ("acl", "xcomp", "ccomp", "ROOT"):
        return ""  # "an invitation to visit Monrovia in December", "hoped to convene"
    return when


@lru_cache(maxsize=1)
def _dateline_end(text: str) -> int:
    """Where the dateline opening an article ends ("HANOI, March 3 (Xinhua) --"), or -1."""
    found = parse_dateline(text)
    if found is None:
        return -1
    sep = re.compile(r"\s[-—–]+\s|[:—–]\s|\s--").search(text, found.span[1], found.span[1] + 60)
    return sep.start() if sep is not None else -1


def _in_dateline(text: str, start: int) -> bool:
    end = _dateline_end(text)
    return end >= 0 and start < end and text.rfind("\n", 0, end) < start


def _resolve_dateline(article: Article, places: PlaceResolver, shares: dict[str, float],
                      neighbours: Neighbours) -> Place | None:
    if not article.dateline:
        return None
    qualifier = places.qualifier_codes(article.dateline_region)
    place = places.resolve(article.dateline, PlaceContext(
        country_shares=shares, qualifier=qualifier, neighbours=neighbours))
    return place or places.country(article.dateline)


def _qualifiers(place_entities: list[Entity], entities: list[Entity],
                tokens: list[Token]) -> list[tuple[Entity, str, int]]:
    """Each qualifier of a place, "Idaho" in "Moscow, Idaho": its entity, its text and its
    first token, whether NER made one span of the two or two."""
    found = []
    for e in place_entities:
        if (q := _qualifier_entity(e, entities, tokens)) is not None:
            found.append((q, q.text, q.start))
        elif "," in e.text:
            comma = next((t.i for t in tokens[e.start:e.end] if t.text == ","), -1)
            if 0 <= comma < e.end - 1:
                found.append((e, e.text.partition(",")[2].strip(), comma + 1))
    return found


def _qualifier_entity(e: Entity, entities: list[Entity], tokens: list[Token]) -> Entity | None:
    """The region or country right after a place and a comma: "Idaho" in "Moscow, Idaho"."""
    if e.end + 1 < len(tokens) and tokens[e.end].text == ",":
        following = next((x for x in entities if x.start == e.end + 1), None)
        if following is not None and following.label in PLACE_LABELS and (
                following.end >= len(tokens) or not tokens[following.end].text[:1].isalpha()
                or tokens[following.end].sentence_id != following.sentence_id
                or following.text.endswith(".")):  # "Columbia, S.C. and ..."
            return following
    return None


def _split_qualifier(e: Entity, entities: list[Entity],
                     tokens: list[Token]) -> tuple[str, str]:
    """'Moscow, Idaho' → ('Moscow', 'Idaho'), whether NER made one span of it or two."""
    if "," in e.text:
        name, _, qualifier = e.text.partition(",")
        return name.strip(), qualifier.strip()
    following = _qualifier_entity(e, entities, tokens)
    return (e.text, following.text) if following is not None else (e.text, "")
