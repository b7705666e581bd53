"""Fixtures shared by the ETL tests."""

from __future__ import annotations

import pytest

from etl import run as etl_run
from etl.places import PlaceResolver
from etl.records import Article


@pytest.fixture(scope="session")
def resolver() -> PlaceResolver:
    """The offline gazetteer, loaded once for all tests that resolve places."""
    return PlaceResolver()


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records the ids of the articles that actually went through the model."""
    seen: list[str] = []
    real = etl_run.extract_chunk

    def spy(chunk: list[Article], resolver: object = None) -> list:
        seen.extend(a.article_id for a in chunk)
        return real(chunk, resolver)  # type: ignore[arg-type]

    monkeypatch.setattr(etl_run, "extract_chunk", spy)
    return seen
