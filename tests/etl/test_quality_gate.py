"""The quality gate: extraction scored on both development corpora stays above floors a little
under what it reaches, so a rule that buys one corpus a point at the other's cost fails CI
instead of hiding in a README figure. Raise a floor when the figures rise."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from etl.evaluate import Scores, build_and_read, load_gold, score

ROOT = Path(__file__).resolve().parents[2]
CORPORA = {
    "devset": ROOT / "devset",
    # A second corpus by another hand, kept outside the repository (beside the checkout).
    "devset-b": ROOT.parent / "shared" / "devset-b",
}
# F1 floors, the share of matched places within 161 km, and the share of articles whose
# publication date and dateline are right.
FLOORS: dict[str, dict[str, float]] = {
    "devset": {"actors": 0.93, "places": 0.91, "place accuracy": 0.88, "dates": 0.98,
               "held meetings": 0.76, "published": 1.0, "dateline": 1.0},
    "devset-b": {"actors": 0.92, "places": 0.87, "place accuracy": 0.86, "dates": 0.98,
                 "held meetings": 0.70, "published": 0.97, "dateline": 0.97},
}


@pytest.fixture(scope="module", params=sorted(CORPORA))
def scored(request: pytest.FixtureRequest) -> tuple[str, Scores]:
    name = request.param
    folder = CORPORA[name]
    if not (folder / "gold.json").is_file():
        if os.environ.get("CI"):
            pytest.fail(f"{folder} is missing: CI scores both corpora")
        pytest.skip(f"{folder} is not beside this checkout")
    return name, score(load_gold(folder / "gold.json"), build_and_read(folder))


@pytest.mark.slow
def test_extraction_stays_above_its_floors(scored: tuple[str, Scores]) -> None:
    name, scores = scored
    floors = FLOORS[name]
    found = {"actors": scores.actors.f1, "places": scores.places.f1,
             "place accuracy": scores.place_accuracy,
             "dates": scores.dates.f1, "held meetings": scores.held_events.f1,
             "published": scores.published_ok / scores.n_articles,
             "dateline": scores.dateline_ok / scores.n_articles}
    below = {k: f"{found[k]:.3f} < {floor:.2f}" for k, floor in floors.items()
             if found[k] < floor}
    assert not below, f"{name}: {below}"
    assert scores.n_unmatched_articles == 0, f"{name}: articles not found in the tables"
