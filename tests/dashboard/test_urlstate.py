"""What a shared link may ask for, and how the date range follows a new corpus."""

from __future__ import annotations

from datetime import date

from dashboard import urlstate
from dashboard.selection import PAIR_SEP

CHOICES = urlstate.Choices(
    options={"actor": {"Taliban", "Ashraf Ghani"}, "place": {"Kabul (AF)"},
             "type": {"talks"}, "status": {"held"}, "source": {"Dawn"},
             "count": {"events", "mentions"}, "venue": {"Kabul (AF)"},
             "focus": {"Taliban", "Ashraf Ghani"}},
    actors={"Taliban", "Ashraf Ghani"}, dates=(date(2019, 10, 1), date(2019, 10, 31)),
    flags=("undated",), text=("q",))


def test_a_full_link_is_usable():
    link = {"dates": ["2019-10-20", "2019-10-31"], "undated": ["true"], "actor": ["Taliban"],
            "place": ["Kabul (AF)"], "type": ["talks"], "status": ["held"], "source": ["Dawn"],
            "q": ["this week"], "count": ["mentions"], "venue": ["Kabul (AF)"],
            "focus": ["Ashraf Ghani", f"Taliban{PAIR_SEP}Ashraf Ghani"], "embed": ["true"]}
    assert urlstate.ignored_values(link, CHOICES) == {}


def test_a_garbage_link_names_every_value_it_ignores():
    link = {"dates": ["2019-13-45"], "undated": ["perhaps"], "actor": ["Taliban", "Nobody"],
            "place": ["Atlantis"], "type": ["<script>alert(1)</script>"], "status": ["maybe"],
            "source": ["=HYPERLINK(\"x\")"], "q": ["a" * 10_000], "count": ["zzz"],
            "venue": ["Nowhere"], "focus": [f"Taliban{PAIR_SEP}Nobody"], "utm": ["x"]}
    ignored = urlstate.ignored_values(link, CHOICES)
    assert set(ignored) == set(link)
    assert ignored["actor"] == ["Nobody"]  # the known actor is kept
    assert urlstate.usable(link["actor"], ignored["actor"]) == ("Taliban",)
    text = urlstate.notice(ignored)
    assert "\\<script\\>" in text and "a" * 50 not in text  # literal in Markdown, shortened
    for dates in (["2019-09-30", "2019-10-02"], ["2019-10-05", "2019-10-02"], ["x"],
                  ["2019-10-01", "2019-10-02", "2019-10-03"]):
        assert "dates" in urlstate.ignored_values({"dates": dates}, CHOICES), dates


def test_the_date_range_follows_a_new_corpus_unless_narrowed():
    old, new = (date(2019, 10, 1), date(2019, 10, 31)), (date(2019, 10, 1), date(2019, 11, 5))
    assert urlstate.follow_bounds(old, old, new) == new  # not narrowed: the whole new range
    assert urlstate.follow_bounds(None, None, new) == new
    narrowed = (date(2019, 10, 20), date(2019, 10, 25))
    assert urlstate.follow_bounds(narrowed, old, new) == narrowed
    assert urlstate.follow_bounds(narrowed, old, (date(2019, 10, 22), date(2019, 12, 1))) == (
        date(2019, 10, 22), date(2019, 10, 25))
    assert urlstate.follow_bounds(narrowed, old, (date(2020, 1, 1), date(2020, 2, 1))) == (
        date(2020, 1, 1), date(2020, 2, 1))
