"""Score Parley's places on geoparsing corpora annotated by others (LGL, TR-News, GeoVirus).

End to end, as a user gets it: Parley's own recognition, then its coordinates. A gold
toponym is *found* when a place, country or toponym mention overlaps its characters; it is *right*
when the mention's point is within 161 km of the gold point. Parsing the XML and scoring are
pure functions; only `main` runs the ETL and prints.

The corpora are the XML files of the public repository
milangritta/Pragmatic-Guide-to-Geoparsing-Evaluation (``data/Corpora/lgl.xml``,
``TR-News.xml``). They are GPL-3.0 data: read them where they lie, never copy them here.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from etl.evaluate import ACCURACY_KM, distance_km
from etl.records import Article, Extraction, InputError

# A toponym found but given no point is as wrong as can be: half the Earth's circumference,
# the convention of geoparsing evaluations (Gritta et al. 2018).
MAX_ERROR_KM = 20039.0
PLACE_KINDS = frozenset({"place", "country", "toponym"})


class CorpusError(ValueError):
    """The corpus file is missing or not the expected XML; the message says which."""


@dataclass(frozen=True)
class Toponym:
    start: int
    end: int
    phrase: str
    lat: float
    lon: float
    feature: str  # GeoNames feature code: PPL, ADM1, PCLI, ...


@dataclass(frozen=True)
class GeoDoc:
    docid: str
    text: str
    published: date | None
    toponyms: tuple[Toponym, ...]


@dataclass(frozen=True)
class Guess:
    """One place or country mention of the system, in the gold text's offsets."""

    start: int
    end: int
    text: str
    lat: float | None
    lon: float | None
    precision: str
    reason: str


@dataclass
class GeoScores:
    gold: int = 0
    found: int = 0
    within: int = 0
    errors_km: list[float] = field(default_factory=list)  # one per found toponym
    guesses: int = 0  # the system's place and country mentions
    misses: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 0.0

    @property
    def accuracy(self) -> float:
        """Of the toponyms found, the share placed within 161 km (accuracy@161km)."""
        return self.within / self.found if self.found else 0.0

    @property
    def end_to_end(self) -> float:
        """Of all gold toponyms, the share found and placed within 161 km."""
        return self.within / self.gold if self.gold else 0.0


def parse_corpus(source: str | bytes) -> list[GeoDoc]:
    """The articles of an LGL-style XML corpus with their gold toponyms.

    Toponyms without coordinates (some corpora mark non-resolvable ones) are left out.
    """
    try:
        root = ET.fromstring(source)
    except ET.ParseError as exc:
        raise CorpusError(f"not well-formed XML: {exc}") from exc
    docs = []
    for n, article in enumerate(root.iter("article")):
        text = article.findtext("text") or ""
        toponyms = []
        for t in article.iter("toponym"):
            lat, lon = t.findtext("gaztag/lat"), t.findtext("gaztag/lon")
            start, end = t.findtext("start"), t.findtext("end")
            if lat is None or lon is None or start is None or end is None:
                continue
            toponyms.append(Toponym(int(start), int(end), t.findtext("phrase") or "",
                                    float(lat), float(lon), t.findtext("gaztag/fcode") or ""))
        docs.append(GeoDoc(article.get("docid") or str(n), text,
                           _date(article.findtext("dltime")), tuple(toponyms)))
    if not docs:
        raise CorpusError("no <article> elements: is this an LGL-style corpus?")
    return docs


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat((value or "").strip()[:10])
    except ValueError:
        return None


def guesses(extraction: Extraction, original: str) -> list[Guess]:
    """The system's place and country mentions, moved into the original text's offsets
    (the ETL reads the body without a header it recognises, so its offsets may start later)."""
    body = extraction.article.text
    shift = original.find(body[:200]) if body else 0
    out = []
    for m in extraction.mentions:
        if m.kind not in PLACE_KINDS:
            continue
        start = m.start + shift if shift >= 0 else original.find(m.text)
        if start < 0:
            continue
        p = m.place
        out.append(Guess(start, start + len(m.text), m.text, p.lat if p else None,
                         p.lon if p else None, p.precision if p else "", m.reason))
    return out


def score_doc(doc: GeoDoc, found: Sequence[Guess], scores: GeoScores, *,
              verbose: bool = False) -> None:
    """Add one article's toponyms to the scores."""
    scores.gold += len(doc.toponyms)
    scores.guesses += len(found)
    for t in doc.toponyms:
        guess = max((g for g in found if g.start < t.end and t.start < g.end),
                    key=lambda g: _overlap(g, t), default=None)
        if guess is None:
            if verbose:
                scores.misses.append(f"{doc.docid}\tnot found\t{t.phrase}\t{t.feature}")
            continue
        scores.found += 1
        error = MAX_ERROR_KM if guess.lat is None or guess.lon is None else distance_km(
            (guess.lat, guess.lon), (t.lat, t.lon))
        scores.errors_km.append(error)
        if error <= ACCURACY_KM:
            scores.within += 1
        elif verbose:
            scores.misses.append(f"{doc.docid}\t{error:,.0f} km\t{t.phrase}\t{t.feature}\t"
                                 f"{guess.precision or 'no point'}\t{guess.reason}")


def _overlap(guess: Guess, toponym: Toponym) -> float:
    """How well a mention's span matches a toponym's (Jaccard): 'Ga.' is the toponym 'Ga.'
    rather than the place 'Athens, Ga.' that also covers it."""
    inter = min(guess.end, toponym.end) - max(guess.start, toponym.start)
    union = max(guess.end, toponym.end) - min(guess.start, toponym.start)
    return inter / union


def format_scores(name: str, docs: int, scores: GeoScores) -> str:
    errors = scores.errors_km or [0.0]
    lines = [
        f"{name}: {docs} articles, {scores.gold} gold toponyms ({scores.found} found, "
        f"{scores.within} of them within 161 km), {scores.guesses} system place, country and "
        "toponym mentions",
        "| recall | accuracy@161 km (of found) | found and within 161 km | mean error km "
        "| median error km |",
        "| --- | --- | --- | --- | --- |",
        f"| {scores.recall:.3f} | {scores.accuracy:.3f} | {scores.end_to_end:.3f} "
        f"| {statistics.fmean(errors):,.0f} | {statistics.median(errors):,.0f} |",
    ]
    return "\n".join(lines)


def error_classes(misses: Iterable[str]) -> str:
    """How the misses split by gold feature class: where to look first."""
    counts = Counter((line.split("\t")[1] == "not found", line.split("\t")[3][:3])
                     for line in misses)
    return "\n".join(f"  {'not found' if nf else 'far off':9}  {code or '?':4} {n}"
                     for (nf, code), n in counts.most_common())


def run(docs: Sequence[GeoDoc], *, verbose: bool = False, prefer_country: str = ""
        ) -> GeoScores:
    """Run Parley on each article as a user's text would be read, and score it."""
    from tqdm import tqdm

    from etl.ingest import make_article
    from etl.places import PlaceResolver
    from etl.run import extract_chunk

    resolver = PlaceResolver(prefer_country=prefer_country)
    scores = GeoScores()
    batch: list[tuple[GeoDoc, Article]] = []
    with tqdm(total=len(docs), unit="article", desc="geoparse", file=sys.stderr) as bar:
        for i, doc in enumerate(docs):
            article = make_article(doc.docid, doc.text, published=doc.published)
            if isinstance(article, InputError):
                score_doc(doc, [], scores, verbose=verbose)
            else:
                batch.append((doc, article))
            if len(batch) >= 32 or (i == len(docs) - 1 and batch):
                for (d, _), ex in zip(batch, extract_chunk([a for _, a in batch], resolver),
                                             strict=True):
                    score_doc(d, guesses(ex, d.text), scores, verbose=verbose)
                bar.update(len(batch))
                batch = []
    return scores


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m etl.evaluate_geo",
        description="Score Parley's places end to end on an LGL-style XML corpus (LGL, "
                    "TR-News, GeoVirus): recall of gold toponyms, accuracy@161 km of those "
                    "found, mean and median error, and the share found and within 161 km.",
        epilog="example:\n  python -m etl.evaluate_geo ~/geo/data/Corpora/lgl.xml --limit 60",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path, nargs="+", help="LGL-style XML file(s)")
    parser.add_argument("--limit", type=int, help="score only the first N articles")
    parser.add_argument("--prefer-country", default="", metavar="CC",
                        help="as the ETL's option: places of this country win open ties")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="list every toponym missed or placed more than 161 km off")
    args = parser.parse_args(argv)
    for path in args.corpus:
        try:
            docs = parse_corpus(path.read_bytes())[: args.limit]
        except (OSError, CorpusError) as exc:
            print(f"error: {path}: {exc}", file=sys.stderr)
            return 2
        scores = run(docs, verbose=args.verbose, prefer_country=args.prefer_country)
        print(format_scores(path.name, len(docs), scores))
        if args.verbose:
            print("\n".join(scores.misses))
            print(error_classes(scores.misses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
