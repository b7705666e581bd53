"""Place names in other roles: mentions of kind ``toponym``.

A nationality ("Russian officials"), a continent ("European leaders"), the region that
qualifies a town ("Ohio" in "Mansfield, Ohio") and a place inside an organisation's name
("Georgia" in "the University of Georgia") name no venue, so they are neither places nor
actors; but they say where a story is, and the geoparsing literature counts them as
toponyms. Each gets its place (a country at its own point, a region at its point, a town
resolved in the article's context), and nothing else in the pipeline reads them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from etl.gazetteer import normalize_name
from etl.lexicon import CONTINENTS, DEMONYMS, GROUP_WORDS, PART_LEADING
from etl.places import PlaceContext, PlaceResolver
from etl.records import Entity, Mention, ParsedArticle, Place, Token

TOPONYM = "toponym"
# The longest place name looked for inside an organisation's name, in words.
MAX_NAME_WORDS = 3


def toponym_mentions(parsed: ParsedArticle, mentions: list[Mention],
                     qualifiers: Iterable[tuple[Entity, str, int]], places: PlaceResolver,
                     context: PlaceContext) -> list[Mention]:
    """Nationalities, qualifiers and places named inside organisations, outside every other
    place or country mention."""
    taken = {i for m in mentions if m.kind in ("place", "country")
             for i in range(m.tok_start, m.tok_end)}
    found = [m for m in (*_qualifiers(parsed, qualifiers, places),
                         *_nationalities(parsed, places),
                         *_continents(parsed, mentions, places))
             if not any(i in taken for i in range(m.tok_start, m.tok_end))]
    taken.update(i for m in found for i in range(m.tok_start, m.tok_end))
    for m in mentions:
        if m.kind == "organization":
            found.extend(_inside(parsed, m, taken, places, context))
    return found


def _make(parsed: ParsedArticle, start: int, end: int, place: Place, why: str) -> Mention:
    tokens = parsed.tokens
    first, last = tokens[start], tokens[end - 1]
    return Mention(parsed.article.article_id, first.sentence_id, first.idx,
                   last.idx + len(last.text), parsed.article.text[first.idx:
                                                                  last.idx + len(last.text)],
                   TOPONYM, place.name, place=place, reason=f"{why}: {place.reason}",
                   tok_start=start, tok_end=end)


def _qualifiers(parsed: ParsedArticle, qualifiers: Iterable[tuple[Entity, str, int]],
                places: PlaceResolver) -> list[Mention]:
    """'Ohio' in 'Mansfield, Ohio': the region or country that says which town is meant."""
    found = []
    for e, text, start in qualifiers:
        place = places.qualifier_place(text)
        if place is not None:
            found.append(_make(parsed, start, e.end, place, "qualifies the place before it"))
    return found


def _nationalities(parsed: ParsedArticle, places: PlaceResolver) -> list[Mention]:
    """'Russian', 'South Sudanese', 'Palestinians': the country a nationality names."""
    tokens = parsed.tokens
    found = []
    i = 0
    while i < len(tokens):
        code, end = _demonym_at(tokens, i)
        country = places.gazetteer.countries.get(code) if code else None
        place = places.country(country.name) if country else None
        if place is not None:
            found.append(_make(parsed, i, end, place, "a nationality"))
            i = end
        else:
            i += 1
    return found


def _continents(parsed: ParsedArticle, mentions: list[Mention],
                places: PlaceResolver) -> list[Mention]:
    """'Europe', 'Asian', 'North America': a continent, at its point; not in an
    organisation's name ("the European Union" is no continent)."""
    tokens = parsed.tokens
    in_names = {i for m in mentions if m.kind == "organization"
                for i in range(m.tok_start, m.tok_end)}
    found = []
    for t in tokens:
        if not t.text[:1].isupper() or t.i in in_names:
            continue
        for end in (t.i + 2, t.i + 1):
            words = " ".join(x.lower for x in tokens[t.i:end])
            if end <= len(tokens) and (code := CONTINENTS.get(words)) and \
                    code in places.gazetteer.continents:
                name, lat, lon = places.gazetteer.continents[code]
                found.append(_make(parsed, t.i, end, Place(name, "", lat, lon, "continent",
                                                           f"the continent {name}"),
                                   "a continent"))
                break
    return found


def _demonym_at(tokens: list[Token], i: int) -> tuple[str, int]:
    """The country code of the nationality starting at token i (one or two words, singular
    or plural) and where it ends, or ("", i)."""
    t = tokens[i]
    if not t.text[:1].isupper():
        return "", i
    if i + 1 < len(tokens) and tokens[i + 1].text[:1].isupper():
        code = _demonym(f"{t.lower} {tokens[i + 1].lower}")
        if code:
            return code, i + 2
    code = _demonym(t.lower)
    return (code, i + 1) if code else ("", i)


def _demonym(word: str) -> str:
    code = DEMONYMS.get(word)
    if code is None and word.endswith("s"):
        code = DEMONYMS.get(word[:-1])  # "Palestinians", "Russians"
    return code or ""


def _inside(parsed: ParsedArticle, org: Mention, taken: set[int], places: PlaceResolver,
            context: PlaceContext) -> list[Mention]:
    """Countries, regions and towns named inside an organisation's name ("the Georgia Bureau
    of Investigation", "Alexandria Police Department")."""
    return [_make(parsed, i, end, place, f"in the name '{org.text}'")
            for i, end, place in places_inside(parsed, org.tok_start, org.tok_end, places,
                                               context, taken)]


def places_inside(parsed: ParsedArticle, start: int, end: int, places: PlaceResolver,
                  context: PlaceContext, taken: set[int] | None = None
                  ) -> Iterator[tuple[int, int, Place]]:
    """The places named inside a longer name, left to right, longest name first, each with
    its tokens: "Lamar County" in "Lamar County Commissioners"."""
    tokens = parsed.tokens
    taken = taken or set()
    i = start
    while i < end:
        for stop in range(min(end, i + MAX_NAME_WORDS), i, -1):
            if stop - i == end - start or any(j in taken for j in range(i, stop)):
                continue  # the whole name is the longer one's, not a place's
            words = [t.text for t in tokens[i:stop]]
            if not all(w[:1].isupper() for w in words) or tokens[i].pos == "DET" or \
                    normalize_name(words[-1]) in GROUP_WORDS:
                continue
            place = _named_place(" ".join(words), places, context)
            if place is not None:
                yield i, stop, place
                i = stop - 1
                break
        i += 1


def names_in_organizations(parsed: ParsedArticle, mentions: list[Mention],
                           places: PlaceResolver) -> list[str]:
    """The regions organisations are named after ("Clarke County School District", "Georgia
    Bureau of Investigation"): evidence of where the article is, before its places are
    resolved. Towns are left out: their own names are as ambiguous as the place sought."""
    tokens = parsed.tokens
    found = []
    for m in mentions:
        if m.kind != "organization":
            continue
        for i in range(m.tok_start, m.tok_end):
            for end in range(min(m.tok_end, i + MAX_NAME_WORDS), i, -1):
                name = " ".join(t.text for t in tokens[i:end])
                if end - i < m.tok_end - m.tok_start and name[:1].isupper() and \
                        normalize_name(name) not in PART_LEADING and \
                        places.gazetteer.regions(name):
                    found.append(name)
    return found


def _named_place(name: str, places: PlaceResolver, context: PlaceContext) -> Place | None:
    """A country, a region, or a town by its main name: inside an organisation's name an
    alternate name is more often a person's ("Nadia")."""
    if normalize_name(name) in PART_LEADING:
        return None  # "East" in "East Bank"
    if "." in name:
        return places.abbreviated(name)
    if places.gazetteer.country(name) is not None:
        return places.country_or_region(name, context.neighbours)
    if not places.gazetteer.regions(name) and not any(
            primary for _, primary in places.gazetteer.cities(name)):
        return None
    return places.resolve(name, context)
