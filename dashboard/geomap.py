"""The venue map, legible from 5 to 5,000 venues: markers, view, labels and cells, all pure.

- A site (a palace, a conference centre) sits at its city's coordinates: the venues at one spot
  are one marker named after the city, the sites listed in its hover card.
- The view is the events' extent with padding (never closer than ``MIN_SPAN`` degrees),
  given the panel's shape so the map fills it.
- Marker area is proportional to the number of events; a legend gives reference sizes.
- Beyond ``MAX_MARKERS`` spots, spots closer than a cell of the narrowest panel's grid are drawn
  as one marker whose hover card lists them; a click on it selects all its venues.
- Only the biggest markers are labelled, where their labels collide with nothing
  (``labels.place_labels``), at every width the panel can take.

A marker's key (``customdata[0]``) is its venues' keys joined by ``KEY_SEP``; the page splits
it back (``selection.clicked_keys``), so a click filters to exactly the marker's venues.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.labels import Candidate, place_labels, plain, plotly_text_box, shown
from dashboard.mapped import ColumnScan
from dashboard.selection import KEY_SEP

__all__ = ["KEY_SEP", "View", "cells", "cities_at", "city_names", "diameters", "map_labels",
           "spots", "view_of"]
MIN_SPAN = 12.0  # degrees: a single venue is shown with its region, not its streets
PAD = 0.12  # of the events' extent, around it
MAX_MARKERS = 200  # spots drawn one by one; beyond, nearby spots share a cell
CELL_PX = 16  # a cell's side at the narrowest panel
LABELS = 12  # labels at most
LABEL_SIZE = 12  # px
MAX_D, MIN_D = 40.0, 6.0  # marker diameters in pixels
PANEL_WIDTHS = (300.0, 1100.0)  # the map panel's width, narrowest and widest window
TYPICAL_WIDTH = 550.0  # the map panel in a 1400-pixel window
ASPECT = 1.25  # of the view: that panel's shape
MARKER_COLUMNS = ["key", "name", "country_code", "lat", "lon", "n_events", "venues", "dates",
                  "participants", "n_venues"]


def natural_earth(lon: np.ndarray, lat: np.ndarray, centre: float = 0.0
                  ) -> tuple[np.ndarray, np.ndarray]:
    """d3's Natural Earth projection (plotly's "natural earth") in projection units, y up,
    rotated so ``centre`` longitude is in the middle, as plotly's fitbounds does."""
    lam = np.radians((np.asarray(lon, dtype=float) - centre + 180.0) % 360.0 - 180.0)
    phi = np.radians(np.asarray(lat, dtype=float))
    p2 = phi * phi
    p4 = p2 * p2
    x = lam * (0.8707 - 0.131979 * p2 + p4 * (-0.013791 + p4 * (0.003971 * p2 - 0.001529 * p4)))
    y = phi * (1.007226 + p2 * (0.015085 + p4 * (-0.044475 + 0.028874 * p2 - 0.005916 * p4)))
    return x, y


def city_names(mentions: pd.DataFrame | ColumnScan) -> dict[tuple[float, float], str]:
    """The name of the city at each pair of coordinates: the place the articles name most
    often there (a site the ETL put at its city shares the city's coordinates). Reads four
    columns, never the whole table."""
    keep = ((mentions["kind"] == "place").to_numpy(dtype=bool)
            & (mentions["geo_precision"] == "city").to_numpy(dtype=bool))
    lat = mentions["lat"].to_numpy(dtype=float, na_value=np.nan)[keep]
    lon = mentions["lon"].to_numpy(dtype=float, na_value=np.nan)[keep]
    name = mentions["name"][keep].astype(str).to_numpy(dtype=object)
    known = ~np.isnan(lat) & ~np.isnan(lon) & (name != "")
    if not known.any():
        return {}
    counts = (pd.DataFrame({"lat": np.round(lat[known], 4), "lon": np.round(lon[known], 4),
                            "name": name[known]})
              .value_counts().reset_index(name="n"))
    counts["length"] = counts["name"].str.len()
    counts = counts.sort_values(["lat", "lon", "n", "length", "name"],
                                ascending=[True, True, False, True, True], kind="stable")
    first = counts.drop_duplicates(["lat", "lon"])
    return {(float(a), float(b)): str(n) for a, b, n in zip(first["lat"], first["lon"],
                                                            first["name"], strict=True)}


def _venue_list(names: Sequence[str], counts: Sequence[int], most: int = 8) -> str:
    """"Entebbe (3), State House (2)", the biggest first, the rest counted."""
    shown = [f"{plain(n, 60)} ({c})" for n, c in list(zip(names, counts, strict=True))[:most]]
    more = f" and {len(names) - most} more" if len(names) > most else ""
    return ", ".join(shown) + more


def cities_at(venues: pd.DataFrame, cities: Mapping[tuple[float, float], str]
              ) -> dict[tuple[float, float], str]:
    """The entries of ``cities`` at the venues' coordinates: all that a map of them reads
    (and small enough to key a cached figure by)."""
    at = zip(venues["lat"].round(4), venues["lon"].round(4), strict=True)
    return {k: cities[k] for k in ((float(a), float(b)) for a, b in at) if k in cities}


def spots(venues: pd.DataFrame, cities: Mapping[tuple[float, float], str] | None = None
          ) -> pd.DataFrame:
    """One row per pair of coordinates (``MARKER_COLUMNS``): the venues there, named after
    the city (``cities``, else the shortest venue name), biggest first.

    ``venues`` is ``aggregate.venues_of``'s frame, biggest venue first.
    """
    if venues.empty:
        return pd.DataFrame(columns=MARKER_COLUMNS)
    cities = cities or {}
    spot = list(zip(venues["lat"].round(4), venues["lon"].round(4), strict=True))
    rows = []
    for (lat, lon), part in venues.groupby(pd.Series(spot, index=venues.index), sort=False):
        places = [str(p) for p in part["place"]]
        name = cities.get((float(lat), float(lon))) or min(places, key=len)
        only = len(part) == 1 and places[0] == name
        top = part.iloc[0]
        rows.append({
            "key": KEY_SEP.join(part["venue"]), "name": name,
            "country_code": top["country_code"], "lat": float(top["lat"]),
            "lon": float(top["lon"]), "n_events": int(part["n_events"].sum()),
            "venues": "" if only else _venue_list(places, list(part["n_events"])),
            "dates": "; ".join(dict.fromkeys(d for d in part["dates"] if d)) or "undated",
            "participants": str(top["participants"]), "n_venues": len(part),
        })
    return _biggest_first(pd.DataFrame(rows, columns=MARKER_COLUMNS))


def _biggest_first(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(["n_events", "name"], ascending=[False, True],
                             kind="stable").reset_index(drop=True)


@dataclass(frozen=True)
class View:
    """What the map shows: a longitude/latitude box, and the pixel scales (per projection
    unit) it is drawn at, from the narrowest panel to the widest.

    Plotly fits an explicit ``lonaxis``/``lataxis`` range into the panel at
    ``min(width / dx, height / dy)`` and clips to it, so pixels follow from the box alone.
    (``fitbounds`` fits the data into the world's 2:1 outline instead, leaving a tall panel
    empty above and below, and picks its own centre.)
    """

    lon: tuple[float, float]
    lat: tuple[float, float]
    scales: tuple[float, ...] = ()

    @property
    def centre(self) -> float:
        return (self.lon[0] + self.lon[1]) / 2

    def project(self, lon, lat) -> tuple[np.ndarray, np.ndarray]:
        """Screen units (y down) of points: pixels are these times a scale."""
        x, y = natural_earth(np.asarray(lon), np.asarray(lat), self.centre)
        return x, -y

    def frame(self) -> tuple[float, float, float, float]:
        """The box in screen units: what is visible at every width."""
        lons = np.r_[np.linspace(*self.lon, 9), np.linspace(*self.lon, 9),
                     [self.lon[0]] * 9, [self.lon[1]] * 9]
        lats = np.r_[[self.lat[0]] * 9, [self.lat[1]] * 9, np.linspace(*self.lat, 9),
                     np.linspace(*self.lat, 9)]
        x, y = self.project(lons, lats)
        return float(x.min()), float(y.min()), float(x.max()), float(y.max())

    def size(self) -> tuple[float, float]:
        x0, y0, x1, y1 = self.frame()
        return max(x1 - x0, 1e-6), max(y1 - y0, 1e-6)


def _grow(lo: float, hi: float, factor: float, least: float, most: float
          ) -> tuple[float, float]:
    """A range grown by ``factor`` about its middle, shifted back inside [least, most]."""
    half = min((hi - lo) * factor, most - least) / 2
    mid = min(max((lo + hi) / 2, least + half), most - half)
    return mid - half, mid + half


def view_of(lats: Sequence[float], lons: Sequence[float], *, height: float,
            widths: tuple[float, float] = PANEL_WIDTHS, aspect: float = ASPECT,
            pad: float = PAD, min_span: float = MIN_SPAN) -> View:
    """The events' extent with padding, at least ``min_span`` degrees each way, widened or
    heightened to about ``aspect`` (width over height) so it fills the panel, and the pixel
    scales it is drawn at in a panel ``height`` high and ``widths`` wide."""
    if not len(lats):
        lon, lat = (-180.0, 180.0), (-60.0, 80.0)
    else:
        def span(values: Sequence[float], lo: float, hi: float) -> tuple[float, float]:
            a, b = float(min(values)), float(max(values))
            grow = max((b - a) * pad, (min_span - (b - a)) / 2, 0.0)
            return _grow(a - grow, b + grow, 1.0, lo, hi)

        lon, lat = span(lons, -180.0, 180.0), span(lats, -85.0, 85.0)
    for _ in range(3):  # the projection bends: a few steps get close enough
        dx, dy = View(lon, lat).size()
        if dx / dy < aspect * 0.97:
            lon = _grow(*lon, aspect * dy / dx, -180.0, 180.0)
        elif dx / dy > aspect * 1.03:
            lat = _grow(*lat, dx / aspect / dy, -85.0, 85.0)
    dx, dy = View(lon, lat).size()
    narrow = min(widths[0] / dx, height / dy)
    wide = min(widths[1] / dx, height / dy)
    scales = tuple(float(s) for s in np.unique(np.geomspace(narrow, max(wide, narrow), 5)))
    return View(lon, lat, scales)


def diameters(n_events: pd.Series | np.ndarray, most: float) -> np.ndarray:
    """Marker diameters in pixels: area proportional to the count, the biggest ``MAX_D``
    (never below ``MIN_D``, so one event stays visible beside a thousand)."""
    n = np.asarray(n_events, dtype=float)
    return np.maximum(MIN_D, MAX_D * np.sqrt(n / max(float(most), 1.0)))


def cells(markers: pd.DataFrame, view: View, *, cell_px: float = CELL_PX,
          most: int = MAX_MARKERS) -> pd.DataFrame:
    """Nearby spots as one marker when there are more than ``most``: a grid of ``cell_px``
    pixels at the narrowest panel; a cell is drawn at its biggest spot and named after it
    ("Paris +4"), its hover card lists its venues, its key holds all their keys."""
    if len(markers) <= most:
        return markers
    x, y = view.project(markers["lon"].to_numpy(), markers["lat"].to_numpy())
    scale = view.scales[0]
    cell = pd.Series(list(zip(np.floor(x * scale / cell_px).astype(int),
                              np.floor(y * scale / cell_px).astype(int), strict=True)),
                     index=markers.index)
    rows = []
    for _, part in markers.groupby(cell, sort=False):  # markers are biggest first
        top = part.iloc[0]
        if len(part) == 1:
            rows.append(top.to_dict())
            continue
        names = [str(n) for n in part["name"]]
        rows.append({
            "key": KEY_SEP.join(part["key"]), "name": f"{top['name']} +{len(part) - 1}",
            "country_code": top["country_code"], "lat": top["lat"], "lon": top["lon"],
            "n_events": int(part["n_events"].sum()),
            "venues": _venue_list(names, list(part["n_events"]), most=10),
            "dates": "", "participants": str(top["participants"]),
            "n_venues": int(part["n_venues"].sum()),
        })
    return _biggest_first(pd.DataFrame(rows, columns=MARKER_COLUMNS))


def short(name: str, most: int = 16) -> str:
    """A long name cut at a word boundary with an ellipsis: a site's label is no sentence."""
    if len(name) <= most:
        return name
    cut = name[:most].rsplit(" ", 1)[0] if " " in name[:most] else name[:most - 1]
    return cut.rstrip(" ,") + "…"


POSITIONS = ("middle right", "middle left", "top center", "bottom center")


def map_labels(markers: pd.DataFrame, view: View, sizes: np.ndarray, *, limit: int = LABELS,
               size: float = LABEL_SIZE) -> dict[int, tuple[str, str]]:
    """Row -> (label, textposition) of the labelled markers: the biggest first, where their
    label collides with no other label and no big marker at any panel width."""
    pool = min(len(markers), 5 * limit)
    if not pool:
        return {}
    x, y = view.project(markers["lon"].to_numpy()[:pool], markers["lat"].to_numpy()[:pool])
    candidates = [Candidate(float(a), float(b), float(d) / 2,
                            tuple(dict.fromkeys((short(shown(n), 24), short(shown(n))))))
                  for a, b, d, n in zip(x, y, sizes[:pool], markers["name"][:pool],
                                        strict=True)]
    placed = place_labels(candidates, positions=POSITIONS, box=plotly_text_box, size=size,
                          scales=[(s, s) for s in view.scales], limit=limit,
                          frame=view.frame(), obstacles=3)
    return {p.index: (p.text, p.position) for p in placed}


def nice_steps(most: int) -> list[int]:
    """Two or three round reference counts for the size legend, up to ``most``."""
    if most <= 1:
        return [1]
    top = 10 ** int(np.floor(np.log10(most)))
    top = max(t for t in (top, 2 * top, 5 * top) if t <= most)
    steps = {1, top}
    middle = 10 ** int(np.floor(np.log10(max(top / 4, 1))))
    middle = max(t for t in (middle, 2 * middle, 5 * middle) if t <= top / 3) if top >= 6 else 1
    steps.add(middle)
    return sorted(steps)
