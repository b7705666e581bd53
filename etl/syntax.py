"""Small walks over the dependency tree of a parsed article (plain `Token` records).

Shared by the stages that need clause structure: who is the subject, what a clause covers,
whether a clause speaks of the future.
"""

from __future__ import annotations

from collections.abc import Iterable

from etl.lexicon import PLAN_MARKERS
from etl.records import Token

# Clauses hanging off a clause that speak of something else: their words are not the event's.
DETACHED = frozenset({"advcl", "relcl", "ccomp", "parataxis", "csubj"})


# "following an attack in Kabul", "before reaching Islamabad": other events, other places.
OTHER_TIME_PREPOSITIONS = frozenset({
    "after", "before", "following", "since", "amid", "despite", "until", "prior",
})


def is_detached(token: Token) -> bool:
    """A dependent clause, a second verb joined by 'and', or a phrase about another time."""
    return (token.dep in DETACHED or (token.dep == "conj" and token.pos in ("VERB", "AUX"))
            or (token.dep == "prep" and token.lower in OTHER_TIME_PREPOSITIONS))


def children(tokens: list[Token], i: int) -> list[Token]:
    """Direct dependants of token i within its sentence, in text order."""
    if not -len(tokens) <= i < len(tokens):
        raise IndexError(f"token {i} of {len(tokens)}")
    return list(_dependants(tokens).get(i, ()))


# The last article's dependants by head: the stages ask for children tens of times per
# sentence, and a scan of the sentence each time cost more than the rest of the walks.
_DEPENDANTS: tuple[list[Token], int, dict[int, list[Token]]] | None = None


def _dependants(tokens: list[Token]) -> dict[int, list[Token]]:
    """{i: the tokens whose head is i and that lie in the run of tokens of i's sentence}.

    Kept for one token list at a time, found by identity: a stage's token list is never
    changed once parsed (the length is checked too, as a cheap guard).
    """
    global _DEPENDANTS
    cached = _DEPENDANTS
    if cached is not None and cached[0] is tokens and cached[1] == len(tokens):
        return cached[2]
    run = [0] * len(tokens)  # runs of equal sentence_id: a sentence's tokens lie together
    for k in range(1, len(tokens)):
        run[k] = run[k - 1] + (tokens[k].sentence_id != tokens[k - 1].sentence_id)
    index: dict[int, list[Token]] = {}
    for k, t in enumerate(tokens):
        h = t.head
        if 0 <= h < len(tokens) and t.i != h and run[k] == run[h]:
            index.setdefault(h, []).append(t)
    _DEPENDANTS = (tokens, len(tokens), index)
    return index


def subtree(tokens: list[Token], i: int, *, detach: bool = False,
            stop: Iterable[int] = ()) -> set[int]:
    """Token i and its descendants; with `detach`, not entering dependent clauses, and never
    the tokens in `stop` (other events' clauses)."""
    stop_set = set(stop)
    seen = {i}
    todo = [i]
    while todo:
        for child in children(tokens, todo.pop()):
            if child.i in seen or child.i in stop_set or (detach and is_detached(child)):
                continue
            seen.add(child.i)
            todo.append(child.i)
    return seen


def ancestors(tokens: list[Token], i: int) -> list[Token]:
    """Heads from token i up to the root of its sentence."""
    chain = []
    seen = {i}
    while tokens[i].head != i and tokens[i].head not in seen:
        i = tokens[i].head
        seen.add(i)
        chain.append(tokens[i])
    return chain


def subject(tokens: list[Token], verb: int) -> Token | None:
    """The subject of a verb, inherited through xcomp/conj/advcl heads when it has none."""
    i = verb
    for _ in range(6):
        for child in children(tokens, i):
            if child.dep in ("nsubj", "nsubjpass"):
                return child
        if tokens[i].dep not in ("xcomp", "conj", "advcl", "acomp", "dobj", "pobj", "prep") \
                or tokens[i].head == i:
            return None
        i = tokens[i].head
    return None


def is_negated(tokens: list[Token], i: int) -> bool:
    return any(c.dep == "neg" for c in children(tokens, i))


MODALS = frozenset({"would", "could", "may", "might"})


def tense(tokens: list[Token], i: int) -> str:
    """'future', 'past', 'present' or '' for the clause of token i.

    Future covers what is only intended or possible: "will meet", "is expected to visit",
    "travels to Benghazi to meet", "could be held"; a purpose clause takes its head's tense.
    """
    node = i
    for _ in range(8):
        token = tokens[node]
        if token.pos in ("VERB", "AUX"):
            kids = children(tokens, node)
            aux = {c.lemma for c in kids if c.dep in ("aux", "auxpass")}
            if aux & {"will", "shall", "'ll"} or aux & MODALS:
                return "future"
            if token.lemma == "be" and any(c.dep == "xcomp" and any(
                    g.dep == "aux" and g.lower == "to" for g in children(tokens, c.i))
                    for c in kids):
                return "future"  # "teams are to begin work by the end of the month"
            if token.lemma in PLAN_MARKERS and any(c.dep == "xcomp" for c in kids) and (
                    token.tag in ("VBZ", "VBP") or "be" in aux):
                return "future"  # "plans to", "is expected to"; not "agreed on Monday to"
            head = tokens[token.head]
            if token.dep == "xcomp" and head.lemma in PLAN_MARKERS:
                return "future"
            purpose = token.dep in ("advcl", "xcomp", "acl") and "to" in {
                c.lower for c in kids if c.dep == "aux"}
            if not (token.dep in ("xcomp", "conj") or purpose) or token.head == node:
                return _verb_tense(token, aux)
        elif token.head == node:
            return ""
        node = token.head
    return ""


def _verb_tense(token: Token, aux: set[str]) -> str:
    if token.tag == "VBD" or aux & {"have", "had"} or (
            token.tag == "VBN" and aux & {"be", "was", "were"}):
        return "past"
    if token.tag in ("VBZ", "VBP", "VBG") or aux & {"be"}:
        return "present"
    return ""


def is_future(tokens: list[Token], i: int) -> bool:
    return tense(tokens, i) == "future"


def clause_verb(tokens: list[Token], i: int) -> int | None:
    """The nearest verb governing token i (itself if it is one)."""
    if tokens[i].pos in ("VERB", "AUX"):
        return i
    for head in ancestors(tokens, i):
        if head.pos in ("VERB", "AUX"):
            return head.i
    return None
