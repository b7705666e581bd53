"""A parsed article → mentions and events, stage by stage: the one place that knows the order.

actors (canonical names, titles) → places (countries, then places in the context they give)
→ dates (against the publication date) → events (over all of the above).
"""

from __future__ import annotations

from collections import Counter

from etl import actors as actor_rules
from etl.dates import UNRESOLVED, normalize_date
from etl.events import find_events
from etl.gazetteer import normalize_name
from etl.places import PlaceContext, PlaceResolver
from etl.records import Article, DateValue, Entity, Extraction, Mention, ParsedArticle, Place, Token
from etl.syntax import clause_verb, tense

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})


def extract(parsed: ParsedArticle, places: PlaceResolver) -> Extraction:
    """Everything Parley extracts from one article: a pure function of the article."""
    article = parsed.article
    publisher = normalize_name(article.publisher) if article.publisher else ""
    tokens = parsed.tokens
    gazetteer = places.gazetteer

    mentions: list[Mention] = []
    people: list[tuple[Entity, str]] = []
    place_entities: list[Entity] = []
    for e in parsed.entities:
        if publisher and normalize_name(e.text) == publisher:
            continue  # the publisher is the source, not an actor
        if e.label in ("PERSON", "ORG") or e.label in PLACE_LABELS:
            country = actor_rules.country_name(e.text, gazetteer)
            if country is not None:
                mentions.append(_mention(parsed, e, "country", country[0],
                                         place=places.country(e.text)))
                continue
        if e.label == "PERSON":
            name = actor_rules.strip_titles(e.text)
            if name:
                people.append((e, name))
        elif e.label == "ORG":
            mentions.append(_mention(parsed, e, "organization",
                                     actor_rules.canonical_organization(e.text)))
        elif e.label in PLACE_LABELS:
            place_entities.append(e)
        elif e.label == "DATE":
            date_mention = _date_mention(parsed, e)
            if date_mention is not None:
                mentions.append(date_mention)

    # People: one canonical name each within the article.
    canonical = actor_rules.canonical_people([name for _, name in people])
    person_spans = []
    for e, name in people:
        full, why = canonical[name]
        mentions.append(_mention(parsed, e, "person", full, reason=why))
        person_spans.append((e.start, e.end, full))

    # Places, in the context of the article's countries and dateline.
    codes = Counter(m.place.country_code for m in mentions if m.kind == "country" and m.place)
    total = sum(codes.values()) or 1
    shares = {code: n / total for code, n in codes.items()}
    dateline = _resolve_dateline(article, places, shares)
    context = PlaceContext(
        dateline_country=dateline.country_code if dateline else "",
        country_shares=shares,
    )
    entities = parsed.entities
    for e in place_entities:
        name, qualifier = _split_qualifier(e, entities, tokens)
        ctx = PlaceContext(context.dateline_country, context.dateline_admin1,
                           context.country_shares, places.qualifier_codes(qualifier))
        place = places.resolve(name, ctx)
        display = place.name if place else name
        if place is not None and place.precision == "city" and dateline and (
                normalize_name(name) == normalize_name(article.dateline)):
            display = dateline.name
        mentions.append(_mention(parsed, e, "place", display, place=place,
                                 reason=place.reason if place else "not in the gazetteer"))

    # Title references: "the prime minister" is the person introduced with that title.
    country_at = {i: m.place.country_code for m in mentions if m.kind == "country" and m.place
                  for i in range(m.tok_start, m.tok_end)}
    intros = actor_rules.title_intros(parsed, person_spans, country_at)
    person_tokens = {i for s, e, _ in person_spans for i in range(s, e)}
    for ref in actor_rules.title_references(parsed, country_at, person_tokens):
        resolved = actor_rules.resolve_reference(ref, intros)
        if resolved is None:
            continue
        start, end = tokens[ref.start], tokens[ref.end - 1]
        mentions.append(Mention(
            article.article_id, start.sentence_id, start.idx, end.idx + len(end.text),
            article.text[start.idx: end.idx + len(end.text)], "person", resolved[0],
            reason=resolved[1], tok_start=ref.start, tok_end=ref.end))
    affiliations: dict[str, tuple[str, str]] = {}
    for intro in intros:
        known = gazetteer.countries.get(intro.country_code)
        if known is not None and intro.person not in affiliations:
            affiliations[intro.person] = (known.name, known.code)

    mentions.sort(key=lambda m: (m.start, m.end))
    events = find_events(parsed, mentions, dateline, affiliations)
    return Extraction(article, len(parsed.sentences), mentions, events)


def _mention(parsed: ParsedArticle, e: Entity, kind: str, name: str, *,
             place: Place | None = None, reason: str = "") -> Mention:
    return Mention(parsed.article.article_id, e.sentence_id, e.start_char, e.end_char, e.text,
                   kind, name, place=place, reason=reason, tok_start=e.start, tok_end=e.end)


def _date_mention(parsed: ParsedArticle, e: Entity) -> Mention | None:
    verb = clause_verb(parsed.tokens, e.start)
    value = normalize_date(e.text, parsed.article.published,
                           tense=tense(parsed.tokens, verb) if verb is not None else "")
    if value is None:
        return None
    if value == UNRESOLVED:
        return _mention(parsed, e, "date", "", reason="relative date; no publication date")
    assert isinstance(value, DateValue)
    m = _mention(parsed, e, "date", value.iso)
    m.date = value
    return m


def _resolve_dateline(article: Article, places: PlaceResolver,
                      shares: dict[str, float]) -> Place | None:
    if not article.dateline:
        return None
    qualifier = places.qualifier_codes(article.dateline_region)
    place = places.resolve(article.dateline, PlaceContext(country_shares=shares,
                                                          qualifier=qualifier))
    return place or places.country(article.dateline)


def _split_qualifier(e: Entity, entities: list[Entity],
                     tokens: list[Token]) -> tuple[str, str]:
    """'Moscow, Idaho' → ('Moscow', 'Idaho'), whether NER made one span of it or two."""
    if "," in e.text:
        name, _, qualifier = e.text.partition(",")
        return name.strip(), qualifier.strip()
    if e.end + 1 < len(tokens) and tokens[e.end].text == ",":
        following = next((x for x in entities if x.start == e.end + 1), None)
        if following is not None and following.label in PLACE_LABELS:
            return e.text, following.text
    return e.text, ""
