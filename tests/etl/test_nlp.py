"""The pipeline's fast paths give what the plain ones gave: a Doc read into records through
arrays, the short forms found without spaCy's Matcher, children from an index, cached lookups.
Each is checked against the straightforward version it replaced."""

from __future__ import annotations

import importlib
import importlib.util
import pickle
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from spacy.language import Language
from spacy.tokens import Doc, Span

from etl.gazetteer import normalize_name, shared_gazetteer
from etl.nlp import (
    COUNTRY_SHORT_FORMS,
    MODEL_PACKAGES,
    ORG_SHORT_FORMS,
    parse,
    shared_model,
    to_parsed,
    trim_titles,
)
from etl.records import Article, Entity, ParsedArticle, Sentence, Token
from etl.syntax import children

TEXTS = [
    "KABUL, Afghanistan — US Special Envoy Zalmay Khalilzad met Taliban negotiators in Doha "
    "on Tuesday. The U.S. and the U.N. said the talks, hosted by Qatar, would resume.",
    "GENEVA: The Qatar-based mediator said NATO and the EU will meet in Brussels next week.",
    "  Leading spaces,\n\ntwo blank lines and  double  spaces; the UAE and the UK.  ",
    "The prime minister travelled to Moscow, Idaho, where he met Amb Khalilzad's deputy.",
    "",
]


def reference_records(doc: Doc, article: Article) -> ParsedArticle:
    """Token by token, as `to_parsed` did before it read the Doc's arrays."""
    sentences, sentence_of = [], [0] * len(doc)
    for sid, sent in enumerate(doc.sents):
        sentences.append(Sentence(sid, sent.start, sent.end, sent.start_char, sent.end_char,
                                  sent.text))
        for i in range(sent.start, sent.end):
            sentence_of[i] = sid
    tokens = [Token(t.i, t.idx, t.text, t.lemma_.lower(), t.pos_, t.dep_, t.head.i,
                    sentence_of[t.i], t.whitespace_, t.tag_) for t in doc]
    entities = [Entity(e.start, e.end, e.start_char, e.end_char, e.label_, e.text,
                       sentence_of[e.start]) for e in doc.ents]
    return ParsedArticle(article, tokens, sentences, entities)


@pytest.fixture(scope="module")
def ruler_pipeline() -> Language:
    """The same model with the short forms found by spaCy's EntityRuler, as before."""
    package = next(p for p in MODEL_PACKAGES if importlib.util.find_spec(p) is not None)
    nlp = importlib.import_module(package).load()
    ruler = nlp.add_pipe("entity_ruler", name="short_forms", before="ner")
    ruler.add_patterns(  # type: ignore[attr-defined]
        [{"label": "GPE", "pattern": [{"ORTH": f}]} for f in COUNTRY_SHORT_FORMS]
        + [{"label": "ORG", "pattern": [{"ORTH": f}]} for f in ORG_SHORT_FORMS])
    nlp.add_pipe("parley_rules", after="ner")
    nlp.add_pipe("parley_dateline", before="parser")
    return nlp


@pytest.mark.parametrize("text", TEXTS)
def test_records_equal_the_token_by_token_conversion(text: str) -> None:
    doc = shared_model()(text)
    article = Article("a1", "a.txt", text)
    assert to_parsed(doc, article) == reference_records(doc, article)
    other = Article("a2", "b.txt", "a text the Doc was not made from")
    assert to_parsed(doc, other) == reference_records(doc, other)


@pytest.mark.parametrize("text", TEXTS)
def test_short_forms_equal_the_entity_rulers(text: str, ruler_pipeline: Language) -> None:
    ours, theirs = shared_model()(text), ruler_pipeline(text)
    assert [(t.ent_iob_, t.ent_type_, t.is_sent_start) for t in ours] == \
        [(t.ent_iob_, t.ent_type_, t.is_sent_start) for t in theirs]
    article = Article("a1", "a.txt", text)
    assert to_parsed(ours, article) == to_parsed(theirs, article)


def test_rules_find_based_places_and_trim_titles() -> None:
    article = Article("a1", "a.txt", "The Kabul-based envoy met United States Special Envoy "
                      "Amb Khalilzad in Doha.", published=date(2021, 3, 5))
    found = {(e.text, e.label) for e in next(parse([article])).entities}
    assert {("Kabul", "GPE"), ("United States", "GPE"), ("Khalilzad", "PERSON")} <= found


@pytest.mark.parametrize(("text", "name"), [
    ("Under Secretary of State Mara Quist arrived on Monday.", "Mara Quist"),
    ("He met Ohio Secretary of Commerce and Industry Dana Welk on Monday.", "Dana Welk"),
])
def test_a_name_loses_the_end_of_its_title(text: str, name: str) -> None:
    article = Article("a1", "a.txt", text, published=date(2021, 3, 5))
    people = {e.text for e in next(parse([article])).entities if e.label == "PERSON"}
    assert name in people and not any(p != name and name in p for p in people)


def test_a_portfolio_without_a_name_is_no_entity() -> None:
    article = Article("a1", "a.txt", "The Minister of Energy and Mines, Rosa Tal, spoke.",
                      published=date(2021, 3, 5))
    texts = {e.text for e in next(parse([article])).entities}
    assert not texts & {"Energy and Mines", "Mines"}


def reference_children(tokens: list[Token], i: int) -> list[Token]:
    """A scan of token i's sentence, as `children` did before it kept an index."""
    sid = tokens[i].sentence_id
    lo = hi = i
    while lo > 0 and tokens[lo - 1].sentence_id == sid:
        lo -= 1
    while hi + 1 < len(tokens) and tokens[hi + 1].sentence_id == sid:
        hi += 1
    return [t for t in tokens[lo: hi + 1] if t.head == i and t.i != i]


def test_children_equal_a_scan_of_the_sentence() -> None:
    parsed = next(parse([Article("a1", "a.txt", TEXTS[0] + " " + TEXTS[3])]))
    for i in range(len(parsed.tokens)):
        assert children(parsed.tokens, i) == reference_children(parsed.tokens, i)


@st.composite
def token_lists(draw: st.DrawFn) -> list[Token]:
    n = draw(st.integers(1, 12))
    return [Token(draw(st.integers(0, n)), 0, "w", "w", "X", "dep", draw(st.integers(0, n)),
                  draw(st.integers(0, 2))) for _ in range(n)]


@given(token_lists())
def test_children_equal_a_scan_on_any_token_list(tokens: list[Token]) -> None:
    for i in range(len(tokens)):
        assert children(tokens, i) == reference_children(tokens, i)


@given(st.text(max_size=30))
def test_cached_names_equal_fresh_ones(name: str) -> None:
    assert normalize_name(name) == normalize_name.__wrapped__(name)


def test_the_gazetteer_travels_to_workers_by_its_file() -> None:
    gazetteer = shared_gazetteer()
    copy = pickle.loads(pickle.dumps(gazetteer, protocol=pickle.HIGHEST_PROTOCOL))
    assert copy.path == gazetteer.path
    assert copy.region_point("US", "ID") == gazetteer.region_point("US", "ID") is not None
    assert copy.cities("Moscow") == gazetteer.cities("Moscow")
    assert len(pickle.dumps(gazetteer)) < 1000  # the path, not the index


@pytest.mark.parametrize(("words", "name"), [
    ("Chen Obi earlier this month", "Chen Obi"),
    ("Mohammed bin Salman", "Mohammed bin Salman"),
    ("Ursula von der Leyen", "Ursula von der Leyen"),
    ("Park Ji-hoon", "Park Ji-hoon"),
])
def test_a_person_ends_at_a_lower_case_word_that_is_no_name_particle(words: str,
                                                                   name: str) -> None:
    doc = shared_model().make_doc(f"He met {words} in Doha.")
    span = trim_titles(Span(doc, 2, len(doc) - 3, label="PERSON"))
    assert span is not None and span.text == name


@pytest.mark.parametrize(("text", "name"), [
    ("Chile's envoy, Inés Marisol Pereda, sat down with the delegation.", "Inés Marisol Pereda"),
    ("She met Gov. Harlan Mosby at the capitol on Monday.", "Harlan Mosby"),
])
def test_given_names_stay_with_the_name_and_titles_stay_out(text: str, name: str) -> None:
    doc = shared_model()(text)
    people = [e.text for e in doc.ents if e.label_ in ("PERSON", "ORG")]
    assert name in people, people
