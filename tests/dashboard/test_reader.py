"""The article reader escapes the text and marks mentions without breaking markup."""

from __future__ import annotations

import re

import pandas as pd

from dashboard.reader import highlight, sentence_span


def spans(rows):
    return pd.DataFrame(rows, columns=["start", "end", "kind", "name"])


def test_marks_mentions_and_escapes_text():
    text = "<script>alert(1)</script> Ghani met Khan & co."
    out = highlight(text, spans([(26, 31, "person", "Ashraf Ghani"),
                                 (36, 40, "person", "Imran Khan")]))
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert re.search(r'<mark[^>]*title="person: Ashraf Ghani">Ghani</mark>', out)
    assert re.search(r"<mark[^>]*>Khan</mark> &amp; co.", out)


def test_escapes_names_in_attributes():
    out = highlight("Evil", spans([(0, 4, "person", '"><img src=x onerror=alert(1)>')]))
    assert "<img" not in out


def test_overlapping_and_out_of_range_spans_are_skipped():
    out = highlight("abcdef", spans([(0, 4, "person", "a"), (2, 5, "place", "b"),
                                     (3, 99, "date", "c")]))
    assert out.count("<mark") == 1 and out.count("</mark>") == 1


def test_an_organisation_is_marked_rather_than_the_toponym_inside_it():
    text = "The Georgia Bureau of Investigation said."
    out = highlight(text, spans([(4, 11, "toponym", "Georgia"),
                                 (4, 35, "organization", "Georgia Bureau of Investigation")]))
    assert out.count("<mark") == 1 and 'title="organization: Georgia Bureau' in out
    alone = highlight("Russian envoys", spans([(0, 7, "toponym", "Russia")]))
    assert 'title="toponym: Russia"' in alone and "#FBEBE3" in alone


def test_focus_nests_with_marks():
    text = "First one. Kabul talks were held."
    out = highlight(text, spans([(11, 16, "place", "Kabul")]), focus=sentence_span(
        text, "Kabul talks were held."))
    tags = re.findall(r"</?(mark|span)", out)
    stack = []
    for tag in re.findall(r"<(/?)(mark|span)", out):
        if tag[0]:
            assert stack.pop() == tag[1]
        else:
            stack.append(tag[1])
    assert not stack and tags


def test_highlight_real_article(tables):
    art = tables.articles.iloc[0]
    marks = tables.mentions[tables.mentions["article_id"] == art["article_id"]]
    out = highlight(art["text"], marks)
    assert out.count("<mark") == len(marks)
    assert sentence_span(art["text"], "not in the text") is None
