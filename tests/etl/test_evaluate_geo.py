"""The geoparsing scorer, on a corpus of our own in the LGL format."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.evaluate_geo import (
    MAX_ERROR_KM,
    CorpusError,
    GeoScores,
    Guess,
    format_scores,
    main,
    parse_corpus,
    score_doc,
)

CORPUS = b"""<?xml version="1.0" encoding="utf-8"?>
<articles>
  <article docid="1">
    <dltime>2011-05-02 10:00:00</dltime>
    <text><![CDATA[Flooding closed roads near Macon, Ga., and in Savannah.]]></text>
    <toponyms>
      <toponym><start>27</start><end>32</end><phrase>Macon</phrase>
        <gaztag geonameid="4207400"><fcode>PPLA2</fcode><lat>32.84</lat><lon>-83.63</lon></gaztag>
      </toponym>
      <toponym><start>34</start><end>37</end><phrase>Ga.</phrase>
        <gaztag geonameid="4197000"><fcode>ADM1</fcode><lat>32.75</lat><lon>-83.50</lon></gaztag>
      </toponym>
      <toponym><start>46</start><end>54</end><phrase>Savannah</phrase>
        <gaztag geonameid="4221552"><fcode>PPLA2</fcode><lat>32.08</lat><lon>-81.10</lon></gaztag>
      </toponym>
      <toponym><start>0</start><end>8</end><phrase>Flooding</phrase><gaztag/></toponym>
    </toponyms>
  </article>
</articles>
"""


def test_corpus_is_read_with_its_points_and_dates() -> None:
    (doc,) = parse_corpus(CORPUS)
    assert doc.published is not None and doc.published.isoformat() == "2011-05-02"
    assert [t.phrase for t in doc.toponyms] == ["Macon", "Ga.", "Savannah"]  # no point: left out
    assert doc.text[27:32] == "Macon" and doc.toponyms[0].feature == "PPLA2"


def test_found_right_wrong_and_missed() -> None:
    (doc,) = parse_corpus(CORPUS)
    guesses = [Guess(27, 32, "Macon", 32.84, -83.63, "city", ""),     # right
               Guess(34, 37, "Ga.", None, None, "", ""),              # found, no point
               Guess(60, 66, "Athens", 33.96, -83.38, "city", "")]    # not a gold toponym
    scores = GeoScores()
    score_doc(doc, guesses, scores, verbose=True)
    assert (scores.gold, scores.found, scores.within, scores.guesses) == (3, 2, 1, 3)
    assert scores.errors_km[1] == MAX_ERROR_KM
    assert scores.recall == pytest.approx(2 / 3) and scores.accuracy == 0.5
    assert scores.end_to_end == pytest.approx(1 / 3)
    assert any("not found\tSavannah" in line for line in scores.misses)
    assert "| 0.667 | 0.500 | 0.333 |" in format_scores("mine", 1, scores)


@pytest.mark.parametrize("data", [b"<articles><article>", b"<articles/>", b"\x00\x01"])
def test_a_file_that_is_no_corpus_is_reported(data: bytes) -> None:
    with pytest.raises(CorpusError):
        parse_corpus(data)


def test_the_command_runs_parley_on_the_corpus(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "mine.xml"
    path.write_bytes(CORPUS)
    assert main([str(path), "-v"]) == 0
    out = capsys.readouterr().out
    assert "mine.xml: 1 articles, 3 gold toponyms (3 found, 3 of them within 161 km)" in out
    assert "| 1.000 | 1.000 | 1.000 |" in out, out
    assert main([str(tmp_path / "missing.xml")]) == 2
