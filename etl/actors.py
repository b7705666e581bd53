"""Mentions of people, groups and countries → one canonical name per actor within an article.

- A short form ("Khalilzad", "Amb Khalilzad") takes the fullest name the article used, when
  exactly one full name contains it; an ambiguous one stays as written.
- A title reference ("the prime minister", "the PM", "the US special envoy") takes the person
  the article introduced with that title, the nearest such introduction before it first.
- Countries get one name each from the gazetteer ("US", "U.S." → United States).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from etl.gazetteer import Gazetteer, normalize_name
from etl.lexicon import (
    GENERIC_REFERENCES,
    HONORIFICS,
    NAME_PARTICLES,
    TITLE_CONNECTORS,
    TITLES,
    load_rules,
)
from etl.records import ParsedArticle, Token

# Words inside names that are never a surname used alone ("Sheikh" of "Hassan Sheikh Mohamud").
NAME_WORDS_NOT_SURNAMES = frozenset(HONORIFICS | NAME_PARTICLES | {w for t in TITLES
                                                                   for w in t.split()})


def _by_first_word(titles: Iterable[str]) -> dict[str, list[tuple[str, ...]]]:
    """Title phrases by their first word, longest first: match_title runs at most token runs
    of every article and needs only the phrases that can match there."""
    out: dict[str, list[tuple[str, ...]]] = {}
    for phrase in sorted((tuple(t.split()) for t in titles), key=len, reverse=True):
        out.setdefault(phrase[0], []).append(phrase)
    return out


_TITLES_BY_FIRST_WORD = _by_first_word(TITLES)
_NAME_PREFIXES = {tuple(t.split()) for t in TITLES} | {(h,) for h in HONORIFICS} | {
    ("former",), ("acting",), ("deputy",), ("senior",), ("special",), ("the",)}


def _word(token_text: str) -> str:
    return token_text.lower().rstrip(".").replace("\u2019", "'")


def strip_titles(name: str) -> str:
    """'Amb Khalilzad' → 'Khalilzad'; 'President Ashraf Ghani's' → 'Ashraf Ghani'."""
    words = re.sub(r"['\u2019]s?$", "", name.strip()).split()
    changed = True
    while changed and len(words) > 1:
        changed = False
        for n in range(min(4, len(words) - 1), 0, -1):
            if tuple(_word(w) for w in words[:n]) in _NAME_PREFIXES:
                words = words[n:]
                changed = True
                break
    return " ".join(words)


def canonical_people(names: list[str]) -> dict[str, tuple[str, str]]:
    """Map each (title-stripped) person name to (canonical name, reason)."""
    distinct = sorted(set(names), key=lambda n: (-len(n.split()), n))
    result: dict[str, tuple[str, str]] = {}
    for name in distinct:
        tokens = [normalize_name(t) for t in name.split()]
        fuller = [other for other in distinct
                  if len(other.split()) > len(tokens) and _contains(other, tokens)]
        # Keep only the fullest forms: drop a candidate that another candidate contains.
        maximal = [f for f in fuller if not any(
            g != f and _contains(g, [normalize_name(t) for t in f.split()]) for g in fuller)]
        if not maximal and len(tokens) == 1:
            maximal = _paternal_surname_of(tokens[0], distinct)
        if len(maximal) == 1:
            result[name] = (maximal[0], f"short form of {maximal[0]}, named in the article")
        elif len(maximal) > 1:
            result[name] = (name, "ambiguous: " + " or ".join(maximal))
        else:
            result[name] = (name, "")
    # A short form of a short form ("Bastos" of "Bastos Prado" of "Helena Bastos Prado")
    # takes the fullest name; names are resolved longest first, so one step suffices.
    for name, (full, _) in list(result.items()):
        if full != name and result.get(full, (full, ""))[0] != full:
            result[name] = (result[full][0], f"short form of {result[full][0]}, named in the "
                                             "article")
    return result


def _paternal_surname_of(word: str, names: list[str]) -> list[str]:
    """'Lorenzo' for 'Tomás Lorenzo Iglesias': in a three-word name the middle word may be
    the first of two surnames, the one used alone (Spanish and Portuguese usage). Only as a
    last resort within one article, and never for a particle, an honorific or a title."""
    if word in NAME_WORDS_NOT_SURNAMES:
        return []
    return [n for n in names if len(n.split()) == 3
            and normalize_name(n.split()[1]) == word]


def _contains(full: str, tokens: list[str]) -> bool:
    """True when every token of the short form is a word of the full name; a single word
    must be the first or the last (surnames come first in Chinese, Korean, Hungarian)."""
    words = [normalize_name(w) for w in full.split()]
    if len(tokens) == 1:
        return tokens[0] in (words[0], words[-1])
    return all(t in words for t in tokens)


def person_for(name: str, full_names: set[str]) -> str | None:
    """The one full name that `name` is or is a short form of, else None."""
    if name in full_names:
        return name
    tokens = [normalize_name(t) for t in name.split()]
    if not tokens:
        return None
    matches = [f for f in full_names if _contains(f, tokens)]
    return matches[0] if len(matches) == 1 else None


def link_across(articles_naming: dict[str, int]) -> dict[str, tuple[str, str]]:
    """Corpus-level links: a person name that is a short form of exactly one fuller name used
    anywhere in the corpus → (that name, reason); an ambiguous one → (itself, reason).

    `articles_naming` maps each canonical person name to the number of articles naming it.
    Names that stay as they are, for want of any fuller form, are left out. The rule of
    `canonical_people`, stricter because other articles may be about other people: a name
    of two or more words is a full name and is never relinked ("Abdullah Abdullah" is not
    "Abdullah Khan"), and a single word links only as the surname (last word) of one
    fuller name; a word that is also the first word of another name ("Abdullah" of
    "Abdullah II") is ambiguous. With an index by word instead of a scan, because a corpus
    holds hundreds of thousands of names.
    """
    words_of = {n: [normalize_name(w) for w in n.split()] for n in articles_naming}
    by_end: dict[str, set[str]] = {}  # first or last word → names of two or more words
    for name, words in words_of.items():
        if len(words) > 1:
            by_end.setdefault(words[0], set()).add(name)
            by_end.setdefault(words[-1], set()).add(name)
    links: dict[str, tuple[str, str]] = {}
    for name, tokens in words_of.items():
        if len(tokens) != 1:
            continue
        pool = by_end.get(tokens[0], set())
        fuller = [f for f in pool if len(words_of[f]) > len(tokens) and _contains(f, tokens)]
        maximal = sorted(f for f in fuller if not any(
            g != f and len(words_of[g]) > len(words_of[f]) and _contains(g, words_of[f])
            for g in fuller))
        if len(maximal) == 1 and words_of[maximal[0]][-1] != tokens[0]:
            links[name] = (name, f"not linked across the corpus: {maximal[0]} has it as a "
                                 "given name, not a surname")
        elif len(maximal) == 1:
            full = maximal[0]
            n = articles_naming[full]
            links[name] = (full, f"short form of {full}, named in full in {n} "
                                 f"article{'s' if n != 1 else ''} of the corpus")
        elif len(maximal) > 1:
            links[name] = (name, "ambiguous across the corpus: " + " or ".join(maximal[:4]) +
                           (f" and {len(maximal) - 4} more" if len(maximal) > 4 else ""))
    return links


@dataclass(frozen=True, slots=True)
class TitleIntro:
    """A person introduced with a title: 'Prime Minister Imran Khan'."""

    person: str  # canonical name
    title: str  # key from lexicon.TITLES
    country_code: str  # affiliation named with the title ("US special envoy"), if any
    token: int  # where the introduction stands
    sentence_id: int = -1


@dataclass(frozen=True, slots=True)
class TitleReference:
    """A definite description standing for a person: 'the prime minister'."""

    start: int  # tokens
    end: int
    titles: frozenset[str]  # title keys it may stand for
    country_code: str


def match_title(words: list[str]) -> tuple[int, str]:
    """(length, key) of the longest title at the start of `words`, or (0, '')."""
    for phrase in _TITLES_BY_FIRST_WORD.get(words[0], ()) if words else ():
        if tuple(words[: len(phrase)]) == phrase:
            return len(phrase), TITLES[" ".join(phrase)]
    return 0, ""


def title_intros(parsed: ParsedArticle, person_spans: list[tuple[int, int, str]],
                 country_at: dict[int, str]) -> list[TitleIntro]:
    """Titles written next to a person's name, before it or in an appositive after it.

    `person_spans` holds (start, end, canonical name) in tokens; `country_at` maps a token
    index to the ISO code of a country mention covering it.
    """
    tokens = parsed.tokens
    intros: list[TitleIntro] = []
    for start, end, person in person_spans:
        sentence = parsed.sentences[tokens[start].sentence_id]
        # Before the name: walk back over title words, capitalised words and connectors.
        i = start - 1
        window: list[Token] = []
        while i >= sentence.start and len(window) < 12:
            t = tokens[i]
            w = _word(t.text)
            if t.text[:1].isupper() or w in TITLE_CONNECTORS or w in _TITLE_WORDS or \
                    t.text in ("'s", "’s"):  # "Norway's Trade Minister Eirik Dahl"
                window.insert(0, t)
                i -= 1
            else:
                break
        found = _titles_in(window, country_at)
        # After the name: ", the US special envoy," or ", Pakistan's foreign minister,".
        if end < sentence.end and tokens[end].text == ",":
            after = [t for t in tokens[end + 1: min(end + 8, sentence.end)]]
            stop = next((k for k, t in enumerate(after) if t.text in {",", ".", ";"}), len(after))
            found += _titles_in(after[:stop], country_at)
        intros.extend(TitleIntro(person, key, code, start, tokens[start].sentence_id)
                      for key, code in found)
    return intros


_TITLE_WORDS = {w for t in TITLES for w in t.split()}


def ends_in_office(name: str) -> bool:
    """'Tajik Foreign' (cut from 'Tajik Foreign Minister ...') names an office, not a person."""
    words = name.split()
    return len(words) > 1 and _word(words[-1]) in _TITLE_WORDS - {"of", "for", "general"}


def is_word_of_title(word: str) -> bool:
    """Any word of a title of office, "general" of "consul general" included."""
    return _word(word) in _TITLE_WORDS - {"of", "for", "the"}


def is_title_word(word: str) -> bool:
    """A word of a title of office ("Minister", "envoy", "chairperson")."""
    return _word(word) in _TITLE_WORDS - {"of", "for", "state", "foreign", "general"}


def _titles_in(window: list[Token], country_at: dict[int, str]) -> list[tuple[str, str]]:
    """Title keys in a run of tokens, each with the country named in the run, if any."""
    words = [_word(t.text) for t in window]
    codes = [country_at[t.i] for t in window if t.i in country_at]
    code = codes[0] if codes else ""
    found = []
    k = 0
    while k < len(words):
        n, key = match_title(words[k:])
        if n:
            found.append((key, code))
            k += n
        else:
            k += 1
    return found


_DETERMINERS = {"the", "this", "that"}
_REFERENCE_MODIFIERS = {"visiting", "new", "former", "top", "senior", "chief", "special",
                        "acting", "country's", "nation's", "deputy"}


def title_references(parsed: ParsedArticle, country_at: dict[int, str],
                     person_tokens: set[int]) -> list[TitleReference]:
    """'the (US) (visiting) <title>' not followed by a name: a reference, not an intro."""
    tokens = parsed.tokens
    refs: list[TitleReference] = []
    i = 0
    while i < len(tokens):
        if _word(tokens[i].text) not in _DETERMINERS:
            i += 1
            continue
        j = i + 1
        code = ""
        while j < len(tokens) and (j in country_at or _word(tokens[j].text) in
                                   _REFERENCE_MODIFIERS):
            code = country_at.get(j, code)
            j += 1
        words = [_word(t.text) for t in tokens[j: j + 4]]
        n, key = match_title(words)
        keys: frozenset[str] = frozenset({key}) if n else frozenset()
        if not n and words and words[0] in GENERIC_REFERENCES:
            n, keys = 1, GENERIC_REFERENCES[words[0]]
        end = j + n
        if n and keys and end not in person_tokens and not _followed_by_of_phrase(tokens, end):
            refs.append(TitleReference(i, end, keys, code))
            i = end
        else:
            i += 1
    return refs


def _followed_by_of_phrase(tokens: list[Token], end: int) -> bool:
    """'the president of France' names its own office: not a reference to someone earlier."""
    return end + 1 < len(tokens) and tokens[end].text == "of" and tokens[end + 1].text[:1].isupper()


def resolve_reference(ref: TitleReference, intros: list[TitleIntro]) -> tuple[str, str] | None:
    """The person a reference names, with the reason, or None when nobody fits."""
    fitting = [x for x in intros if x.title in ref.titles
               and (not ref.country_code or not x.country_code or
                    x.country_code == ref.country_code)]
    if not fitting:
        return None
    before = [x for x in fitting if x.token < ref.start]
    chosen = max(before, key=lambda x: x.token) if before else min(fitting, key=lambda x: x.token)
    people = {x.person for x in fitting}
    why = f"introduced as {chosen.title} in sentence {chosen.sentence_id}"
    if len(people) > 1:
        why += f" (nearest of {len(people)} people with that title)"
    return chosen.person, why


def canonical_organization(text: str) -> str:
    """'the Taliban's' → 'Taliban'; 'Authority on Development (IGAD' → without the acronym."""
    text = re.sub(r"\s*\([^)]*\)?$", "", text.strip())
    text = re.sub(r"['\u2019]s?$", "", text)
    return re.sub(r"^(?:the|The)\s+", "", text)


def country_name(text: str, gazetteer: Gazetteer) -> tuple[str, str] | None:
    """(canonical name, ISO code) when the text names a country."""
    country = gazetteer.country(text)
    return (country.name, country.code) if country else None


# Words that are evidence about what a name is not: etl/rules/actors.toml.
_RULES = load_rules("actors")
_NATIONALITY_WORDS = frozenset(_RULES["nationality"]["words"])
_NATIONALITY_SUFFIXES = frozenset(_RULES["nationality"]["suffixes"])
_MAX_DROPPED = int(_RULES["nationality"]["max_dropped"])
_SPEAKER_LABELS = frozenset(_RULES["speaker_labels"]["words"])
_TIME_ZONES = frozenset(_RULES["time_zones"]["words"])
_GENERIC_BODIES = frozenset(_RULES["generic_bodies"]["names"])
BODY_PREFIXES = sorted((tuple(p.split()) for p in _RULES["organizations"]["body_prefixes"]),
                       key=len, reverse=True)
BODY_SUFFIXES = frozenset(_RULES["organizations"]["body_suffixes"])
_PERSON_NOUNS = frozenset(_RULES["person_nouns"]["words"])


def is_person_noun(word: str) -> bool:
    """A word for a person's role that is no title of office ("counterpart", "host")."""
    return _word(word) in _PERSON_NOUNS


def _bare(text: str) -> str:
    """Normalised, without a leading article: 'the Western Balkans' → 'western balkans'."""
    return re.sub(r"^the ", "", normalize_name(text))


def is_nationality(text: str, gazetteer: Gazetteer) -> bool:
    """'Guatemalan', 'KAZAKH', 'Azerbaijanis': a word made from a country's name (or listed as a
    nationality) describes, it names no actor. A country's own name is not one."""
    word = _bare(text)
    if not word or gazetteer.country(word) is not None:
        return False
    if word in _NATIONALITY_WORDS or word.rstrip("s") in _NATIONALITY_WORDS:
        return True
    _country_words(gazetteer)  # fills _COUNTRY_WORDS, which the remembered check reads
    return _made_from_a_country(word)


@lru_cache(maxsize=65_536)
def _made_from_a_country(word: str) -> bool:
    """Every entity of every article asks and the same words recur: each is compared once per
    process, not once per mention, and only with the countries whose names begin as it does."""
    return any(_derived_from(word, country)
               for country in _COUNTRY_WORDS.get(word[:_MIN_STEM], ()))


_MIN_STEM = 4  # the letters a nationality word keeps of its country's name, at least


def _derived_from(word: str, country: str) -> bool:
    n = 0
    while n < min(len(word), len(country)) and word[n] == country[n]:
        n += 1
    return (n >= _MIN_STEM and len(country) - n <= _MAX_DROPPED
            and word[n:] in _NATIONALITY_SUFFIXES)


# Country names in lower case by their first _MIN_STEM letters: a word derived from a
# country's name begins with them.
_COUNTRY_WORDS: dict[str, list[str]] = {}


def _country_words(gazetteer: Gazetteer) -> dict[str, list[str]]:
    """Country names in lower case, by their first letters, once per process."""
    if not _COUNTRY_WORDS:
        for name in sorted({normalize_name(c.name) for c in gazetteer.countries.values()}):
            _COUNTRY_WORDS.setdefault(name[:_MIN_STEM], []).append(name)
    return _COUNTRY_WORDS


def is_speaker_label(text: str) -> bool:
    """'CORRESPONDENT', 'ANCHOR' in a transcript; 'GMT' after a clock time."""
    words = _bare(text).split()
    if not words:
        return False
    return all(w in _SPEAKER_LABELS for w in words) or (
        text.isupper() and len(words) == 1 and words[0] in _TIME_ZONES)


def is_generic_body(text: str) -> bool:
    """'the Government', 'Heads of State': a body named by common nouns, not a named one."""
    return _bare(text) in _GENERIC_BODIES


def is_title_alone(text: str) -> bool:
    """'King', 'the President': a title with no name is a reference, not a name."""
    n, _ = match_title([_word(w) for w in _bare(text).split()])
    return n > 0 and n == len(_bare(text).split())


def organization_body(name: str) -> str:
    """'council of the Zambezi River Authority' → 'Zambezi River Authority'; 'ZRA council' →
    'ZRA': a body of an organization, written as a common noun (in lower case), is named by
    the organization; 'Council of Ministers' is a name of its own."""
    words = name.split()
    lowered = [_word(w) for w in words]
    for prefix in BODY_PREFIXES:
        n = len(prefix)
        if tuple(lowered[:n]) == prefix and len(words) > n and words[0].islower():
            rest = words[n:]
            if rest[0].lower() == "the":
                rest = rest[1:]
            if rest and rest[0][:1].isupper():
                return " ".join(rest)
    if len(words) == 2 and lowered[1] in BODY_SUFFIXES and words[1].islower() and \
            words[0].isupper() and \
            len(words[0]) >= 2:
        return words[0]
    return name


def acronym_of(name: str) -> str:
    """'Zambezi River Authority' → 'ZRA': the initials of its capitalised words."""
    return "".join(w[0] for w in name.split() if w[:1].isupper())
