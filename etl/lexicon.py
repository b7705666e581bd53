"""Word lists shared by the rules: titles of office and the words that signal events.

Kept as data in one place so a rule in `nlp` (trimming titles off entity spans) and a rule in
`actors` (resolving "the prime minister") agree on what a title is.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

RULES = Path(__file__).parent / "rules"


@cache
def load_rules(name: str) -> dict[str, Any]:
    """The rule file etl/rules/NAME.toml: word lists and patterns kept as data."""
    with (RULES / f"{name}.toml").open("rb") as f:
        return tomllib.load(f)


# Title of office (lower case, as written) → the key a later reference resolves by.
TITLES: dict[str, str] = {
    "president": "president",
    "vice president": "vice president",
    "vice-president": "vice president",
    "prime minister": "prime minister",
    "pm": "prime minister",
    "premier": "prime minister",
    "deputy prime minister": "deputy prime minister",
    "chancellor": "chancellor",
    "foreign minister": "foreign minister",
    "foreign secretary": "foreign minister",
    "minister of foreign affairs": "foreign minister",
    "foreign affairs minister": "foreign minister",
    "secretary of state": "secretary of state",
    "defence minister": "defence minister",
    "defense minister": "defence minister",
    "defense secretary": "defence minister",
    "interior minister": "interior minister",
    "finance minister": "finance minister",
    "minister": "minister",
    "secretary-general": "secretary-general",
    "secretary general": "secretary-general",
    "special envoy": "envoy",
    "special representative": "envoy",
    "envoy": "envoy",
    "ambassador": "ambassador",
    "amb": "ambassador",
    "chief executive": "chief executive",
    "king": "king",
    "queen": "queen",
    "emir": "emir",
    "crown prince": "crown prince",
    "governor": "governor",
    "gov": "governor",
    "sen": "senator",
    "lt": "lieutenant",
    "col": "colonel",
    "colonel": "colonel",
    "lieutenant": "lieutenant",
    "mayor": "mayor",
    "senator": "senator",
    "general": "general",
    "gen": "general",
    "army chief": "army chief",
    "commander": "commander",
    "chairman": "chairman",
    "chairwoman": "chairman",
    "chair": "chairman",
    "chairperson": "chairman",
    "spokesman": "spokesperson",
    "spokeswoman": "spokesperson",
    "spokesperson": "spokesperson",
    "national security adviser": "national security adviser",
    "national security advisor": "national security adviser",
    "mediator": "mediator",
    "commissioner": "commissioner",
    "high commissioner": "commissioner",
    "consul general": "consul",
    "consul": "consul",
    "chief minister": "chief minister",
    "vice premier": "vice premier",
    "deputy minister": "deputy minister",
    "minister of state": "minister",
    "trade minister": "trade minister",
    "commerce minister": "trade minister",
    "commerce secretary": "trade minister",
    "deputy secretary of state": "deputy secretary of state",
    "negotiator": "negotiator",
    "chief negotiator": "negotiator",
    "state secretary": "state secretary",
    "admiral": "admiral",
    "rear admiral": "admiral",
    "vice admiral": "admiral",
    "councilor": "councillor",
    "councillor": "councillor",
    "councilwoman": "councillor",
    "councilman": "councillor",
}

# The words of the titles, without the words that only join them ("secretary of state").
TITLE_WORDS = frozenset(w for t in TITLES for w in t.split()) - {"of", "for", "the", "and", "on",
                                                                  "to"}

# Words that go before a name but name no office: dropped from names, never resolved.
HONORIFICS = frozenset({"mr", "mrs", "ms", "dr", "sir", "dame", "madam", "sheikh", "lord"})

# A generic word used for a person already introduced with one of these titles.
GENERIC_REFERENCES: dict[str, frozenset[str]] = {
    "diplomat": frozenset({"envoy", "ambassador", "foreign minister", "secretary of state"}),
    "envoy": frozenset({"envoy", "ambassador"}),
    "premier": frozenset({"prime minister"}),
    "leader": frozenset({"president", "prime minister", "king", "emir", "chancellor"}),
}

# Words between a title and a name that keep the title attached ("Special Envoy for Afghan
# Reconciliation Ambassador Zalmay Khalilzad").
# Lower-case words that belong inside a personal name ("Mohammed bin Salman", "Ursula von der
# Leyen"); any other lower-case word ends the name ("Chen Obi earlier this month").
NAME_PARTICLES = frozenset({
    "al", "abu", "bin", "bint", "ibn", "ben", "da", "das", "de", "del", "della", "der", "di",
    "do", "dos", "du", "el", "la", "le", "ter", "ten", "van", "von", "y", "zu"})
TITLE_CONNECTORS = frozenset({"for", "of", "on", "and", "to", "the", "-", "general"})

# Continents, broad regions and waters: neither actors nor places (etl/rules/places.toml).
_REGIONS = load_rules("places")["regions"]
REGION_NAMES = frozenset(_REGIONS["names"])
WATER_WORDS = frozenset(_REGIONS["water_words"])


def is_region(text: str) -> bool:
    """'the Sahel', 'Africa', 'the Syr Darya': a broad region or a body of water."""
    name = re.sub(r"^the ", "", " ".join(text.lower().split()))
    words = name.split()
    return name in REGION_NAMES or (len(words) > 1 and words[-1] in WATER_WORDS)


# Words that make part of a region: "Northeast Georgia", "Kermanshah province".
_PARTS = load_rules("places")["parts"]
PART_LEADING = frozenset(_PARTS["leading"])
PART_TRAILING = frozenset(_PARTS["trailing"])


# Continents and their adjectives → GeoNames continent code: toponyms, never places.
CONTINENTS: dict[str, str] = load_rules("places")["continents"]


# Nationality adjectives → country code: whom a title speaks for ("Ethiopian Water Minister").
DEMONYMS: dict[str, str] = load_rules("demonyms")["demonyms"]

# Event rules (triggers, light verbs, modality) are data: etl/rules/events.toml.
_EVENTS = load_rules("events")
VERB_TRIGGERS: dict[str, str] = _EVENTS["verb_triggers"]
NOUN_TRIGGERS: dict[str, str] = _EVENTS["noun_triggers"]
LIGHT_VERBS: dict[str, str] = _EVENTS["light_verbs"]
PHRASAL_TRIGGERS: dict[tuple[str, str], str] = {
    tuple(key.split(" ", 1)): kind  # type: ignore[misc]
    for key, kind in _EVENTS["phrasal_triggers"].items()}
RESCHEDULING = frozenset(_EVENTS["modality"]["rescheduling"])
CANCEL_LEMMAS = frozenset(_EVENTS["modality"]["cancel"])
PLAN_MARKERS = frozenset(_EVENTS["modality"]["plan"])
REFUSALS = frozenset(_EVENTS["modality"]["refusal"])
CONDITIONS = frozenset(_EVENTS["modality"]["condition"])
DENIALS = frozenset(_EVENTS["modality"]["denial"])
NOUN_MODIFIERS: dict[tuple[str, str], str] = {
    tuple(key.split(" ", 1)): kind  # type: ignore[misc]
    for key, kind in _EVENTS["noun_modifiers"].items()}
MEASURE_NOUNS = frozenset(_EVENTS["measure_nouns"]["words"])
JOINT_VERBS: dict[str, str] = _EVENTS["joint_verbs"]
SUBJECT_LIGHT_VERBS: dict[str, str] = _EVENTS["subject_light_verbs"]
SPAN_ENDS = frozenset(_EVENTS["spans"]["ends"])
SPAN_STARTS = frozenset(_EVENTS["spans"]["starts"])
NUMBERS: dict[str, int] = {**load_rules("dates")["numbers"],
                           **{str(n): n for n in range(1, 32)}}
NOT_PARTNERS = frozenset(_EVENTS["meet"]["not_partners"])

# Credited in datelines ("BEIJING (AP) —"): sources, not actors.
NEWS_AGENCIES = frozenset({
    "ap", "associated press", "afp", "agence france-presse", "reuters", "xinhua", "tass",
    "ria novosti", "interfax", "anadolu", "anadolu agency", "dpa", "efe", "ansa", "kyodo",
    "yonhap", "pti", "press trust of india", "ians", "app", "bernama", "bloomberg", "upi",
    "irna", "wam", "spa", "qna", "mena", "kuna", "apa",
})
# Words that make a name a building or a site ("State House", "Palais des Nations").
SITE_WORDS = frozenset({
    "house", "hall", "palace", "palais", "tower", "hotel", "centre", "center", "camp",
    "embassy", "consulate", "headquarters", "building", "square", "airport", "stadium",
    "castle", "residence", "villa", "port", "plant", "base", "dam", "barrage", "bridge",
})

# Words that make a capitalised name a group, not a person ("Peace and Security Council").
GROUP_WORDS = frozenset({
    "union", "council", "commission", "committee", "party", "army", "front", "ministry",
    "bank", "fund", "organization", "organisation", "agency", "association", "community",
    "movement", "group", "forces", "court", "assembly", "parliament", "congress", "senate",
    "office", "department", "authority", "nations", "states", "alliance", "league",
    "institute", "university", "company", "corporation", "inc", "ltd", "government",
    "house", "hall", "secretariat", "programme", "program", "initiative", "coalition",
    "cooperation", "co-operation", "forum", "federation", "confederation",
})

# Event types that can describe one encounter (talks are held at a meeting during a visit); a
# call or a briefing is only ever itself. Used to continue an account and to merge reports.
TYPE_FAMILY = {"meeting": "meet", "talks": "meet", "visit": "meet", "other": "meet",
               "call": "call", "briefing": "briefing"}
