"""Downloads: formula injection defused, content exactly the given rows, descriptive names."""

from __future__ import annotations

import csv
import io
from datetime import date

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard.export import DANGEROUS_FIRST, file_name, safe_cell, to_csv_bytes
from dashboard.filters import Filters, filter_events


@pytest.mark.parametrize("bad", ["=1+1", "+33 1", "-2+3", "@SUM(A1)", "\tx", "\rx",
                                 "=cmd|' /C calc'!A0"])
def test_dangerous_cells_are_prefixed(bad):
    assert safe_cell(bad) == "'" + bad


@pytest.mark.parametrize("ok", ["Kabul", "2019-10-28", "", " =x", 'a "quoted" word'])
def test_harmless_cells_unchanged(ok):
    assert safe_cell(ok) == ok


@given(st.text())
def test_no_cell_starts_dangerously(text):
    assert not str(safe_cell(text)).startswith(DANGEROUS_FIRST)


def read(csv_bytes: bytes) -> list[dict[str, str]]:
    assert csv_bytes.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(csv_bytes.decode("utf-8-sig"))))


def test_csv_holds_exactly_the_rows_and_keeps_numbers(tables):
    kabul = filter_events(tables.events, tables.articles, Filters(venues=("Kabul (AF)",)))
    rows = read(to_csv_bytes(kabul))
    assert len(rows) == len(kabul)
    assert list(rows[0]) == list(kabul.columns)
    assert {r["actor"] for r in rows} == set(kabul["actor"])
    assert {r["lat"] for r in rows} == {"34.53"}


def test_csv_defuses_injection_but_keeps_negative_numbers():
    frame = pd.DataFrame({"actor": ["=HYPERLINK(\"http://x\")", "Ghani"], "lon": [-73.5, 69.17],
                          "sentence": ["line\nbreak, comma", "@evil"]})
    rows = read(to_csv_bytes(frame))
    assert rows[0]["actor"] == "'=HYPERLINK(\"http://x\")"
    assert rows[0]["lon"] == "-73.5"
    assert rows[0]["sentence"] == "line\nbreak, comma"
    assert rows[1]["sentence"] == "'@evil"


def test_file_name_describes_filters():
    f = Filters(venues=("Kabul (AF)",), statuses=("held",), date_from=date(2019, 10, 1),
                date_to=date(2019, 10, 31), text="peace talks")
    name = file_name("events", f)
    assert name == "parley-events_kabul-af_held_2019-10-01_to_2019-10-31_q-peace-talks.csv"
    assert file_name("mentions", Filters()) == "parley-mentions_all.csv"
    assert "/" not in file_name("events", Filters(actors=("../../etc/passwd",)))
