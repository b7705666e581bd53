"""Sentences that describe a meeting, talks, a visit, a call or a briefing → events.

A verb triggers an event ("met", "briefed", "toured", "called on"); a noun does only when a
verb of holding, cancelling or planning governs it ("held talks", "cancelled a meeting"), so
"the peace negotiations" and "the Moscow meeting" in passing make no new event. The event's
words are its clause minus dependent clauses ("... in which a soldier was killed"); its
participants are the actors there and its subject, a pronoun subject standing for the last
person who was a subject before it. Its venue is a place in the clause, the noun a "where"
clause hangs on, or, for "here" and an unplaced in-person event, the dateline.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from etl.lexicon import (
    CANCEL_LEMMAS,
    CONDITIONS,
    DENIALS,
    JOINT_VERBS,
    LIGHT_VERBS,
    MEASURE_NOUNS,
    NOT_PARTNERS,
    NOUN_MODIFIERS,
    NOUN_TRIGGERS,
    NUMBERS,
    PHRASAL_TRIGGERS,
    REFUSALS,
    SPAN_ENDS,
    SPAN_STARTS,
    SUBJECT_LIGHT_VERBS,
    TITLE_WORDS,
    VERB_TRIGGERS,
)
from etl.records import (
    ACTOR_KINDS,
    DateValue,
    Event,
    Mention,
    ParsedArticle,
    Place,
    Sentence,
    Token,
)
from etl.syntax import ancestors, children, clause_verb, is_future, is_negated, subject, subtree

PRONOUNS = frozenset({"he", "she", "him", "her"})
GUEST_VERBS = frozenset({"host", "receive", "welcome"})  # an event only with a guest named
TOPIC_PREPOSITIONS = frozenset({"on", "about", "over", "regarding", "concerning"})
LOCATIVE = frozenset({"in", "at", "to", "inside", "near", "outside", "into"})
TRAVEL_VERBS = frozenset({"arrive", "travel", "fly", "come", "go", "head", "return", "reach"})


@dataclass(frozen=True, slots=True)
class Trigger:
    token: int  # the word naming the event
    anchor: int  # the verb whose clause holds it (the trigger itself for a verb)
    event_type: str
    status: str  # from a governing verb ("cancelled a meeting"), or "" to read from tense
    framing: bool = False  # the anchor's clause happened in or after the event


def find_triggers(tokens: list[Token], sentence: Sentence,
                  actor_tokens: Mapping[int, str] | None = None) -> list[Trigger]:
    """Event triggers of one sentence, one per governing verb. `actor_tokens` maps the
    tokens of actor mentions to their kind: "hosted" and "received" make an event only with
    a guest, "signed" only between two people."""
    actor_tokens = actor_tokens or {}
    by_anchor: dict[int, Trigger] = {}
    framing: list[Trigger] = []
    for t in tokens[sentence.start: sentence.end]:
        if t.pos == "VERB" and t.dep != "amod" and not _infinitive_modifier(tokens, t):
            kind = _verb_trigger(tokens, t, actor_tokens)
            if kind and t.i not in by_anchor:
                by_anchor[t.i] = Trigger(t.i, t.i, kind, "")
        elif t.pos in ("NOUN", "PROPN") and (t.lemma in NOUN_TRIGGERS or t.lower in NOUN_TRIGGERS):
            found = _noun_trigger(tokens, t)
            if found:
                by_anchor[found.anchor] = found  # "hosted talks": the noun names the event
            elif (framed := _framing_trigger(tokens, t)) is not None:
                framing.append(framed)
    for tr in framing:  # weakest evidence: only where no other event hangs on the verb
        by_anchor.setdefault(tr.anchor, tr)
    return sorted(by_anchor.values(), key=lambda tr: tr.anchor)


AFTER = frozenset({"after", "following"})
FRAMING_PREPOSITIONS = frozenset({"in", "during", "at"}) | AFTER


def _framing_trigger(tokens: list[Token], t: Token) -> Trigger | None:
    """'agreed in a phone call on Wednesday', 'said during talks in Doha', 'said after a day
    of talks with': the clause happened in or after the event, which its subject held."""
    head = tokens[t.head]
    while head.lower == "of" and tokens[head.head].lemma in MEASURE_NOUNS:  # "a day of talks"
        head = tokens[tokens[head.head].head]
    if t.dep != "pobj" or head.lower not in FRAMING_PREPOSITIONS or head.head == head.i:
        return None
    if head.lower in AFTER and not any(c.dep == "prep" and c.lower in ("with", "between")
                                       for c in children(tokens, t.i)):
        return None  # "said after the meeting" tells of a meeting already told
    verb = tokens[head.head]
    if verb.pos != "VERB":
        return None
    return Trigger(t.i, verb.i, _noun_kind(tokens, t), "", framing=True)


def _infinitive_modifier(tokens: list[Token], t: Token) -> bool:
    """'the first official to visit China', 'an invitation to visit': no event took place."""
    return t.dep in ("acl", "relcl") and any(c.dep == "aux" and c.lower == "to"
                                  for c in children(tokens, t.i))


def _verb_trigger(tokens: list[Token], t: Token, actor_tokens: Mapping[int, str]) -> str:
    kids = children(tokens, t.i)
    if t.lemma in GUEST_VERBS:
        guests = [c for c in kids if c.dep == "dobj"] + [
            g for c in kids if c.dep == "agent" for g in children(tokens, c.i)]
        guests += [a for g in guests for a in _apposed(tokens, g)]
        return "meeting" if any(g.i in actor_tokens for g in guests) else ""
    # "sat down", "called on the king": a preposition counts with a partner as its object
    particles = {c.lower for c in kids if c.dep == "prt" or (c.dep == "prep" and any(
        g.dep == "pobj" and g.i in actor_tokens for g in children(tokens, c.i)))}
    for particle in particles:
        kind = PHRASAL_TRIGGERS.get((t.lemma, particle))
        if kind and not (t.lemma == "call" and _appeal(tokens, kids)):
            return kind  # "sat down with X to talk about" is a meeting all the same
    if t.lemma in ("speak", "talk"):
        near = {c.lower for k in kids for c in [k, *children(tokens, k.i)]}
        if near & {"phone", "telephone"}:
            return "call"
    if t.lemma == "call":  # "called the minister", not "called the ruling unacceptable"
        callee = any(c.dep == "dobj" and c.i in actor_tokens for c in kids)
        return "call" if callee and not particles & {"for", "off", "on", "up"} and not any(
            c.dep in ("oprd", "xcomp", "ccomp") for c in kids) else ""
    if t.lemma == "meet" and not _meets_someone(tokens, kids, actor_tokens):
        return ""
    if any(c.dep == "agent" and not any(g.i in actor_tokens for g in children(tokens, c.i))
           for c in kids):
        return ""  # "visited by tragedy": what came was no one
    if t.lemma in JOINT_VERBS:  # "X and Y signed the accord", "X signed it with Y"
        parties = [s for c in kids if c.dep == "nsubj"
                   for s in [c, *(g for g in children(tokens, c.i) if g.dep == "conj")]]
        parties += [a for s in parties for a in _apposed(tokens, s)]  # "the minister, X, and"
        partners = [g for c in kids if c.dep == "prep" and c.lower == "with"
                    for g in children(tokens, c.i)]
        named = sum(actor_tokens.get(p.i) == "person" for p in parties + partners)
        return JOINT_VERBS[t.lemma] if named >= 2 else ""  # countries sign treaties unmet
    return VERB_TRIGGERS.get(t.lemma, "")


def _meets_someone(tokens: list[Token], kids: list[Token],
                   actor_tokens: Mapping[int, str]) -> bool:
    """'met the deadline' and 'was met with protests' meet no one."""
    if any(c.dep == "dobj" and c.lemma in NOT_PARTNERS and c.i not in actor_tokens
           for c in kids):
        return False
    passive = any(c.dep in ("nsubjpass", "auxpass") for c in kids)
    agent = any(c.dep == "agent" for c in kids)
    return not (passive and not agent)


def _apposed(tokens: list[Token], noun: Token) -> list[Token]:
    """The name set beside a noun: 'the envoy, X'; after a title, also beside the body it
    belongs to ('the State Secretary at Norway's foreign ministry, X')."""
    found = [a for a in children(tokens, noun.i) if a.dep == "appos"]
    if not found and _is_title(noun):
        for k in range(noun.i + 1, min(noun.i + 10, len(tokens))):
            t = tokens[k]
            if t.sentence_id != noun.sentence_id or t.pos in ("VERB", "AUX"):
                break
            if t.dep == "appos" and noun.i <= t.head < k:
                found.append(t)
                break
    return found


def _appeal(tokens: list[Token], kids: list[Token]) -> bool:
    """'called on X to end the violence' is an appeal, not a meeting."""
    for c in kids:
        if c.dep in ("xcomp", "advcl", "ccomp") and any(
                g.lower == "to" for g in children(tokens, c.i)):
            return True
    for c in kids:
        if c.dep == "prep":
            for obj in children(tokens, c.i):
                if any(g.dep in ("xcomp", "acl", "relcl", "ccomp") and any(
                        h.lower == "to" for h in children(tokens, g.i))
                       for g in children(tokens, obj.i)):
                    return True
    return False


def _noun_kind(tokens: list[Token], t: Token) -> str:
    """The event type a trigger noun names, its modifier first: 'a courtesy call' is a
    meeting, 'a call' a call."""
    for c in children(tokens, t.i):
        if c.dep in ("amod", "compound") and (c.lower, t.lemma) in NOUN_MODIFIERS:
            return NOUN_MODIFIERS[(c.lower, t.lemma)]
    return NOUN_TRIGGERS.get(t.lemma) or NOUN_TRIGGERS.get(t.lower, "")


def _noun_trigger(tokens: list[Token], t: Token) -> Trigger | None:
    kind = _noun_kind(tokens, t)
    node = t
    while node.dep == "conj" and node.head != node.i:  # "talks and a meeting"
        node = tokens[node.head]
    while node.dep == "pobj" and tokens[node.head].lower == "of" and \
            tokens[tokens[node.head].head].lemma in MEASURE_NOUNS:  # "five hours of talks"
        node = tokens[tokens[node.head].head]
    head = tokens[node.head]
    passive = node.dep == "nsubjpass"
    while head.dep in ("auxpass", "aux") and head.head != head.i:  # "was co-chaired by"
        passive = passive or head.dep == "auxpass"
        head = tokens[head.head]
    if (node.dep == "dobj" or passive) and head.pos in ("VERB", "AUX"):
        verb = head.lemma
        if any(c.dep == "prt" and c.lower == "off" for c in children(tokens, head.i)):
            verb = f"{verb} off"
        if verb in LIGHT_VERBS:
            return Trigger(t.i, head.i, kind, LIGHT_VERBS[verb])
    if node.dep == "nsubj" and head.pos == "VERB":  # "the summit ended on Friday"
        particles = [c.lower for c in children(tokens, head.i) if c.dep in ("prt", "dobj")]
        for verb in (*(f"{head.lemma} {p}" for p in particles), head.lemma):
            if verb in SUBJECT_LIGHT_VERBS:
                return Trigger(t.i, head.i, kind, "")
    if node.dep == "pobj" and head.lower == "for":
        verb_token = tokens[head.head]
        if verb_token.lemma in TRAVEL_VERBS | GUEST_VERBS:  # "hosted them for talks"
            return Trigger(t.i, verb_token.i, kind, "")
    if _specific_encounter(tokens, t):
        return Trigger(t.i, t.i, kind, "")
    return None


def _specific_encounter(tokens: list[Token], t: Token) -> bool:
    """'last week's talks with Nazarov in Vienna': a noun with a partner ('with ...') and its
    own time or place names one encounter, whatever verb it hangs on; 'peace talks with the
    Taliban' in passing has neither and names none."""
    kids = children(tokens, t.i)
    if not any(c.dep == "prep" and c.lower in ("with", "between") for c in kids) \
            and not _their(tokens, t):
        return False
    dated = any(c.dep == "poss" and c.pos in ("NOUN", "PROPN") and c.lower in _TIME_NOUNS
                for c in kids for c in [c, *children(tokens, c.i)])
    placed = any(c.dep == "prep" and c.lower in ("in", "at") for c in kids)
    return dated or placed


def _their(tokens: list[Token], t: Token) -> bool:
    """'their talks in Lima': the partners are the people the sentence named before."""
    return any(c.dep == "poss" and c.lower == "their" for c in children(tokens, t.i))


_TIME_NOUNS = frozenset({"week", "month", "year", "monday", "tuesday", "wednesday", "thursday",
                         "friday", "saturday", "sunday", "yesterday", "today", "weekend"})


def event_status(tokens: list[Token], trigger: Trigger) -> str:
    """held, planned or cancelled; '' for a negated event ('did not meet'), which is dropped."""
    anchor = trigger.anchor
    if trigger.framing:  # "failed to agree at talks in London": the talks took place
        return "planned" if is_future(tokens, anchor) else "held"
    if trigger.status == "cancelled" or tokens[anchor].lemma in CANCEL_LEMMAS or any(
            h.lemma in CANCEL_LEMMAS for h in _xcomp_heads(tokens, anchor)):
        return "cancelled"
    if trigger.status == "none" or is_negated(tokens, anchor) or any(
            h.lemma in REFUSALS for h in _xcomp_heads(tokens, anchor)):
        return ""  # "did not meet", "refused to meet", "ruled out talks"
    if _conditional(tokens, anchor) or any(
            c.dep == "det" and c.lower in DENIALS for c in children(tokens, trigger.token)):
        return ""  # "would meet only if ...", "no meeting is planned"
    if trigger.status == "planned" or is_future(tokens, anchor):
        return "planned"
    return "held"


def _conditional(tokens: list[Token], anchor: int) -> bool:
    """A clause under a condition ('would meet him only if the troops left') or the
    condition itself ('only if the talks were held in Tiraspol')."""
    kids = children(tokens, anchor)
    return any(c.dep == "mark" and c.lower in CONDITIONS for c in kids) or any(
        c.dep == "advcl" and any(g.dep == "mark" and g.lower in CONDITIONS
                                 for g in children(tokens, c.i)) for c in kids)


def _xcomp_heads(tokens: list[Token], i: int) -> list[Token]:
    heads = []
    while tokens[i].dep == "xcomp" and tokens[i].head != i:
        i = tokens[i].head
        heads.append(tokens[i])
    return heads


class MentionIndex:
    """The article's mentions by token, and who a pronoun subject stands for."""

    def __init__(self, parsed: ParsedArticle, mentions: list[Mention]) -> None:
        self.tokens = parsed.tokens
        self.mentions = [m for m in mentions if m.tok_start >= 0]
        self.at: dict[int, Mention] = {}
        for m in self.mentions:
            for i in range(m.tok_start, m.tok_end):
                self.at[i] = m
        self.person_subjects = sorted(
            (m for m in self.mentions if m.kind == "person" and self._in_subject(m)),
            key=lambda m: m.tok_start)
        self.persons = sorted((m for m in self.mentions if m.kind == "person"),
                              key=lambda m: m.tok_start)

    def _in_subject(self, m: Mention) -> bool:
        """Subject of a main clause: who the story is about at that point. Subjects of
        clauses inside the sentence ("... and posed for photographs") are passed over."""
        token = self.tokens[m.tok_end - 1]
        for t in [token, *ancestors(self.tokens, token.i)]:
            if t.dep in ("nsubj", "nsubjpass"):
                verb = self.tokens[t.head]
                while verb.dep == "conj" and verb.head != verb.i:
                    verb = self.tokens[verb.head]
                return verb.dep == "ROOT"
            if t.pos in ("VERB", "AUX"):
                return False
        return False

    def antecedent(self, i: int) -> Mention | None:
        """The last person who was the subject of a main clause before token i, else the
        last person named before it."""
        for pool in (self.person_subjects, self.persons):
            before = [m for m in pool if m.tok_end <= i]
            if before:
                return before[-1]
        return None


def find_events(parsed: ParsedArticle, mentions: list[Mention], dateline: Place | None,
                affiliations: dict[str, tuple[str, str]]) -> list[Event]:
    """All events of an article. `affiliations` maps a person to the country (name, code)
    their title named ("US special envoy"), which joins talks between countries."""
    index = MentionIndex(parsed, mentions)
    tokens = parsed.tokens
    events: list[Event] = []
    actor_tokens = {i: m.kind for m in index.mentions if m.kind in ACTOR_KINDS
                    for i in range(m.tok_start, m.tok_end)}
    for sentence in parsed.sentences:
        triggers = find_triggers(tokens, sentence, actor_tokens)
        anchors = {tr.anchor for tr in triggers}
        for tr in triggers:
            status = event_status(tokens, tr)
            if not status:
                continue
            scope = subtree(tokens, tr.anchor, detach=True, stop=anchors - {tr.anchor})
            outer = _outer_scope(tokens, tr.anchor, anchors)
            actors = _participants(tokens, index, tr, scope)
            place = _venue(tokens, index, tr, scope, outer, dateline)
            if any(kind == "country" for _, kind in actors):
                for name, _ in list(actors):
                    if name in affiliations:
                        country = (affiliations[name][0], "country")
                        if country not in actors:
                            actors.append(country)
            when = _date(index, scope) or _date(index, outer)
            if when is not None:
                when = _over_days(tokens, tr, when)
            events.append(Event(
                report_id=_report_id(parsed.article.article_id, tr.token),
                article_id=parsed.article.article_id,
                sentence_id=sentence.sentence_id,
                event_type=tr.event_type,
                status=status,
                sentence=sentence.text.strip(),
                actors=actors,
                place=place,
                date=when,
                reason=f"'{tokens[tr.token].text}'" + (
                    f" governed by '{tokens[tr.anchor].text}'" if tr.anchor != tr.token else ""),
                trigger=tr.token,
                anchor=tr.anchor,
                remote=_remote(tokens, tr, scope),
            ))
    return events


def _over_days(tokens: list[Token], tr: Trigger, when: DateValue) -> DateValue:
    """'Two days of talks ended on Tuesday': Monday to Tuesday; 'a three-day summit opened on
    Monday': Monday to Wednesday. A day the clause names is where such a span ends or starts."""
    days = _days_long(tokens, tokens[tr.token])
    verb = tokens[tr.anchor].lemma
    if days < 2 or when.precision != "day" or verb not in SPAN_ENDS | SPAN_STARTS:
        return when
    span = timedelta(days=days - 1)
    if verb in SPAN_ENDS:
        return DateValue(when.start - span, when.end, "day")
    return DateValue(when.start, when.end + span, "day")


def _days_long(tokens: list[Token], noun: Token) -> int:
    """How many days an event noun says it lasted: 'two days of talks', 'a three-day
    summit'; 0 when it does not say."""
    head = tokens[noun.head]
    if noun.dep == "pobj" and head.lower == "of" and tokens[head.head].lemma == "day":
        measure = tokens[head.head]
        return max((NUMBERS.get(c.lower, 0) for c in children(tokens, measure.i)
                    if c.dep == "nummod"), default=0)
    for c in children(tokens, noun.i):  # "a three-day summit": three - day
        if c.lemma == "day" and c.dep in ("compound", "amod", "nmod"):
            return max((NUMBERS.get(g.lower, 0) for g in children(tokens, c.i)
                        if g.dep == "nummod"), default=0)
    return 0


def _date(index: MentionIndex, scope: set[int]) -> DateValue | None:
    dates = [m.date for m in _mentions_in(index, scope) if m.kind == "date" and m.date]
    return dates[0] if dates else None


def _outer_scope(tokens: list[Token], anchor: int, anchors: set[int]) -> set[int]:
    """The clause an event clause hangs on, for a venue or date it leaves unsaid:
    'travelled to Kabul on Monday and met ...', 'spent Tuesday in Paris, where he met ...'."""
    token = tokens[anchor]
    kids = children(tokens, anchor)
    joined = token.dep == "conj" or (token.dep in ("advcl", "relcl") and any(
        c.lower in ("where", "when") for c in kids)) or (
        token.dep in ("advcl", "xcomp") and any(c.dep == "aux" and c.lower == "to" for c in kids))
    # the last: a purpose, "will visit Bengaluru on Friday to meet start-ups"
    if not joined or token.head == anchor:
        return set()
    head = clause_verb(tokens, token.head)
    if head is None or head in anchors and head != token.head:
        return set()
    return subtree(tokens, head, detach=True, stop={anchor} | (anchors - {head}))


def _report_id(article_id: str, token: int) -> str:
    return hashlib.sha1(f"{article_id}:{token}".encode()).hexdigest()[:12]


def _mentions_in(index: MentionIndex, scope: set[int]) -> list[Mention]:
    seen: list[Mention] = []
    for i in sorted(scope):
        m = index.at.get(i)
        if m is not None and (not seen or seen[-1] is not m) and m not in seen:
            seen.append(m)
    return seen


def _participants(tokens: list[Token], index: MentionIndex, tr: Trigger,
                  scope: set[int]) -> list[tuple[str, str]]:
    found: list[Mention] = []
    subj = subject(tokens, tr.anchor)
    if subj is not None:
        if subj.lower in PRONOUNS:
            antecedent = index.antecedent(subj.i)
            if antecedent is not None:
                found.append(antecedent)
        elif subj.i not in scope:
            found.extend(_mentions_in(index, subtree(tokens, subj.i, detach=True)))
    if not any(m.kind in ACTOR_KINDS for m in found) and not (
            subj is not None and subj.lower in PRONOUNS):
        # The parse lost the subject ("President Trump through a tweet announced ... and
        # cancelled ..."): take the nearest person before the event in its sentence.
        nearest = _nearest_person_before(tokens, index, tr.anchor)
        if nearest is not None:
            found.append(nearest)
    if tr.anchor == tr.token and _their(tokens, tokens[tr.token]):
        sid = tokens[tr.token].sentence_id
        found.extend(m for m in index.persons if m.tok_end <= tr.token
                     and tokens[m.tok_start].sentence_id == sid)
    found.extend(_mentions_in(index, scope))
    for t in scope:  # "he" inside the clause, e.g. "toured Kabul where he briefed ..."
        if tokens[t].lower in PRONOUNS and tokens[t].dep in ("nsubj", "dobj", "pobj"):
            antecedent = index.antecedent(t)
            if antecedent is not None:
                found.append(antecedent)
    actors: list[tuple[str, str]] = []
    for m in found:
        if m.kind not in ACTOR_KINDS or not m.name or _is_dateline(m):
            continue
        if m.kind in ("country", "organization") and _is_affiliation(tokens, index, m):
            continue
        if _is_topic(tokens, m, tr):
            continue
        if m.kind == "country" and _is_venue_country(tokens, m, tr):
            continue
        if (m.name, m.kind) not in actors:
            actors.append((m.name, m.kind))
    return actors


def _nearest_person_before(tokens: list[Token], index: MentionIndex,
                           anchor: int) -> Mention | None:
    sid = tokens[anchor].sentence_id
    for m in reversed(index.persons):
        if m.tok_end <= anchor and tokens[m.tok_start].sentence_id == sid and \
                tokens[m.tok_end - 1].dep != "pobj":
            return m
    return None


def _is_topic(tokens: list[Token], m: Mention, tr: Trigger) -> bool:
    """'talks on Syria', 'briefed them on the US review': what was discussed, not who."""
    for t in ancestors(tokens, m.tok_end - 1):
        if t.i in (tr.anchor, tr.token):
            return False
        if t.dep == "prep" and t.lower in TOPIC_PREPOSITIONS and not (
                t.head == tr.anchor and (tokens[tr.anchor].lemma, t.lower) in PHRASAL_TRIGGERS):
            return True
    return False


def _is_dateline(m: Mention) -> bool:
    return m.dateline


def _is_title(t: Token) -> bool:
    return t.lower.rstrip(".") in TITLE_WORDS or t.lemma in TITLE_WORDS


def _np_head(tokens: list[Token], m: Mention) -> Token:
    """Climb from a mention through modifiers to the head noun of its noun phrase; through
    'for'/'of' too when that hangs on a title ('the special envoy for Libya')."""
    t = tokens[m.tok_end - 1]
    if t.dep == "case" and m.tok_end - 2 >= m.tok_start:  # "The European Union's"
        t = tokens[m.tok_end - 2]
    for _ in range(8):
        if t.head == t.i:
            return t
        head = tokens[t.head]
        if t.dep in ("compound", "amod", "poss", "nmod", "npadvmod"):
            t = head
        elif t.dep == "pobj" and head.lower in ("for", "of", "to") and head.head != head.i \
                and _is_title(tokens[head.head]):
            t = tokens[head.head]
        else:
            return t
    return t


def _is_affiliation(tokens: list[Token], index: MentionIndex, m: Mention) -> bool:
    """'US' in 'the US special envoy' names whom a person represents, not a party."""
    head = _np_head(tokens, m)
    if head.i in range(m.tok_start, m.tok_end):
        return False
    if _is_title(head):
        # "the US envoy" represents; "ambassadors of NATO states" stand for NATO itself
        return head.tag not in ("NNS", "NNPS")
    other = index.at.get(head.i)
    return other is not None and other.kind == "person"


def _is_venue_country(tokens: list[Token], m: Mention, tr: Trigger) -> bool:
    """A country used as the event's place: 'met in Qatar', 'Qatar-based' — not 'talks on
    the war in Sudan', where 'in' hangs on another noun."""
    last = tokens[m.tok_end - 1]
    prep = tokens[last.head]
    if last.dep == "pobj" and prep.lower in LOCATIVE and prep.head in (tr.anchor, tr.token):
        return True
    after = tokens[m.tok_end: m.tok_end + 2]
    return len(after) == 2 and after[0].text == "-" and after[1].lower == "based"


def _describes_person(tokens: list[Token], m: Mention, anchor: int) -> bool:
    """'the consul general in Seattle', 'the mayor of Tripoli': a place inside the phrase
    naming a person says who they are, not where they met."""
    for t in ancestors(tokens, m.tok_end - 1):
        if t.i == anchor:
            return False
        if _is_title(t):
            return True
    return False


REMOTE = frozenset({"phone", "telephone", "video", "videoconference", "video-link",
                    "virtually", "online", "teleconference", "zoom"})


def _remote(tokens: list[Token], tr: Trigger, scope: set[int]) -> bool:
    """A call or a video link: it has no venue."""
    return tr.event_type == "call" or any(tokens[i].lower in REMOTE for i in scope)


def _venue(tokens: list[Token], index: MentionIndex, tr: Trigger, scope: set[int],
           outer: set[int], dateline: Place | None) -> Place | None:
    """The venue the event's own clause names; the discourse may fill it later
    (etl.frames)."""
    if _remote(tokens, tr, scope):
        return None
    for region in (scope, outer):
        found = _venue_in(tokens, index, tr, region)
        if found is not None:
            return found
    where = _where_clause_place(tokens, index, tr.anchor)
    if where is not None:
        return where
    if dateline is None:
        return None
    if any(tokens[t].lower == "here" for t in scope):
        return _with_reason(dateline, "'here': the article's dateline")
    return None


def _venue_in(tokens: list[Token], index: MentionIndex, tr: Trigger,
              region: set[int]) -> Place | None:
    candidates: list[tuple[int, Place]] = []
    for m in _mentions_in(index, region):
        if m.place is None or _is_dateline(m):
            continue
        last = tokens[m.tok_end - 1]
        head = tokens[last.head]
        if m.kind == "place":
            if last.dep == "pobj" and head.lower == "from":
                continue  # where someone came from, not where they met
            if _describes_person(tokens, m, tr.anchor):
                continue
            locative = (last.dep == "pobj" and head.lower in LOCATIVE) or (
                last.dep == "dobj" and head.lemma in {"visit", "tour", "reach", "host"})
            candidates.append((0 if locative else 1, m.place))
        elif m.kind == "country" and _is_venue_country(tokens, m, tr):
            candidates.append((2, m.place))
    return min(candidates, key=lambda c: c[0])[1] if candidates else None


def _where_clause_place(tokens: list[Token], index: MentionIndex, anchor: int) -> Place | None:
    """'toured Kabul where he briefed ...': the briefing's venue is the place before 'where'."""
    clause = clause_verb(tokens, anchor)
    if clause is None or tokens[clause].dep not in ("relcl", "advcl"):
        return None
    where = next((c for c in children(tokens, clause) if c.lower == "where"), None)
    if where is None:
        return None
    sentence_start = next(i for i in range(where.i, -1, -1)
                          if i == 0 or tokens[i - 1].sentence_id != where.sentence_id)
    for i in range(where.i - 1, sentence_start - 1, -1):
        m = index.at.get(i)
        if m is not None and m.kind == "place" and m.place is not None:
            return m.place
    return None


def _with_reason(place: Place, reason: str) -> Place:
    return Place(place.name, place.country_code, place.lat, place.lon, place.precision, reason)
