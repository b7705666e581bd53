"""Pure plotly figure builders: frames in, figures out, no Streamlit.

Clickable traces carry an identifying key in ``customdata[0]`` (venue key, actor name): the
dashboard reads clicks from it, never from point indices, which shift when traces split.
Colours are Okabe-Ito, readable by colour-blind users.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pycountry

from dashboard.labels import hover_text, plotly_text, unique_labels
from dashboard.network import Network

KIND_COLOURS = {"person": "#0072B2", "organization": "#E69F00", "country": "#009E73"}
STATUS_COLOURS = {"held": "#0072B2", "planned": "#E69F00", "cancelled": "#999999"}
MARKER = "#D55E00"
FONT = {"family": "sans-serif", "size": 13}


def country_name(code: str) -> str:
    """Full country name for an ISO alpha-2 code; the code itself when unknown."""
    country = pycountry.countries.get(alpha_2=code.upper()) if code else None
    return str(getattr(country, "common_name", None) or getattr(country, "name", code or ""))


def _view(lats: list[float], lons: list[float], *, pad: float = 8.0, min_span: float = 25.0,
          aspect: float = 1.7) -> tuple[list[float], list[float]]:
    """Longitude and latitude ranges framing the points with a margin, never a tight zoom,
    and about ``aspect`` times wider than tall so the map fills a wide column."""
    if not lats:
        return [-180.0, 180.0], [-60.0, 80.0]

    def span(values: list[float], lo: float, hi: float, least: float) -> list[float]:
        a, b = min(values) - pad, max(values) + pad
        if b - a < least:
            mid = (a + b) / 2
            a, b = mid - least / 2, mid + least / 2
        return [max(a, lo), min(b, hi)]

    lat_range = span(lats, -85.0, 85.0, min_span)
    lon_range = span(lons, -180.0, 180.0, max(min_span, aspect * (lat_range[1] - lat_range[0])))
    return lon_range, lat_range


def label_positions(lats: list[float], lons: list[float], *, near: float = 6.0,
                    block: int = 512) -> list[str]:
    """Where each marker's label goes: beside it, away from its first close neighbour, else
    above. Compared in blocks of markers with numpy: a loop over all pairs took most of a
    rerun with thousands of venues."""
    lat, lon = np.asarray(lats, dtype=float), np.asarray(lons, dtype=float)
    out: list[str] = []
    for lo in range(0, len(lat), block):
        rows = np.arange(lo, min(lo + block, len(lat)))
        close = ((np.abs(lat[rows, None] - lat[None, :]) < near)
                 & (np.abs(lon[rows, None] - lon[None, :]) < near))
        close[np.arange(len(rows)), rows] = False
        j = close.argmax(axis=1)
        left = (lon[rows] < lon[j]) | ((lon[rows] == lon[j]) & (rows < j))
        side = np.where(left, "middle left", "middle right")
        out += np.where(close.any(axis=1), side, "top center").tolist()
    return out


def venue_map(venues: pd.DataFrame, *, height: int = 400) -> go.Figure:
    """Meeting venues as markers sized by their number of events, labelled with the place.

    The figure does not depend on which venue is clicked: plotly dims the others itself, and
    an unchanged figure keeps Streamlit from dropping the selection.
    """
    counts = venues["n_events"].astype(float)
    biggest = float(counts.max()) if len(counts) else 1.0
    sizes = [14 + 26 * (n / biggest) ** 0.5 for n in counts]
    # A numpy array, not nested lists: plotly validates lists item by item, which took most
    # of a rerun with thousands of venues.
    customdata = np.array([[v, hover_text(p), country_name(c), n, d,
                            hover_text(t or "none recorded")]
                           for v, p, c, n, d, t in zip(
        venues["venue"], venues["place"], venues["country_code"], venues["n_events"],
        venues["dates"], venues["participants"], strict=True)], dtype=object).reshape(-1, 6)
    fig = go.Figure(go.Scattergeo(
        lat=venues["lat"], lon=venues["lon"], mode="markers+text",
        text=np.array([f" {plotly_text(p)} ({n}) " for p, n in zip(
            venues["place"], venues["n_events"], strict=True)], dtype=object),
        textposition=np.array(label_positions(list(venues["lat"]), list(venues["lon"]))),
        textfont={"size": 13, "color": "#222"},
        customdata=customdata,
        marker={"size": sizes, "color": MARKER, "opacity": 0.9,
                "line": {"width": 1.5, "color": "white"}},
        unselected={"marker": {"opacity": 0.3}, "textfont": {"color": "#999"}},
        hovertemplate=("<b>%{customdata[1]}</b>, %{customdata[2]}<br>"
                       "Events: %{customdata[3]}<br>Dates: %{customdata[4]}<br>"
                       "Top participants: %{customdata[5]}<extra></extra>"),
        name="venues",
    ))
    lon_range, lat_range = _view(list(venues["lat"]), list(venues["lon"]))
    fig.update_geos(
        projection_type="natural earth", resolution=110,
        showland=True, landcolor="#F3F1EC", showocean=True, oceancolor="#DCEBF5",
        showcountries=True, countrycolor="#9A9A9A", countrywidth=0.6,
        showcoastlines=True, coastlinecolor="#8A8A8A", showframe=False,
        showlakes=False, lonaxis_range=lon_range, lataxis_range=lat_range,
    )
    fig.update_layout(height=height, margin={"l": 0, "r": 0, "t": 0, "b": 0}, font=FONT,
                      showlegend=False, clickmode="event+select", dragmode="pan",
                      hoverlabel={"bgcolor": "white", "font_size": 13})
    return fig


def by_kind(frame: pd.DataFrame) -> Iterator[tuple[str, str, pd.DataFrame]]:
    """(kind, colour, its rows) per actor kind present: one trace each, so the legend explains
    the colours."""
    for kind, colour in KIND_COLOURS.items():
        part = frame[frame["kind"] == kind]
        if not part.empty:
            yield kind, colour, part


def actor_bars(counts: pd.DataFrame, *, unit: str = "events") -> go.Figure:
    """Horizontal bars of actor frequency, one trace per kind so the legend explains colours."""
    order = list(counts["actor"])
    names = list(dict.fromkeys(order))
    drawn = dict(zip(names, unique_labels(names), strict=True))  # escaped, short, distinct
    fig = go.Figure()
    for kind, colour, part in by_kind(counts):
        fig.add_trace(go.Bar(
            x=part["count"], y=[drawn[a] for a in part["actor"]], orientation="h", name=kind,
            showlegend=True,
            marker={"color": colour}, unselected={"marker": {"opacity": 0.35}},
            customdata=[[a, kind] for a in part["actor"]],
            hovertemplate=f"<b>%{{y}}</b> ({kind})<br>%{{x}} {unit}<extra></extra>",
        ))
    fig.update_layout(
        height=max(220, 30 * len(order) + 90), margin={"l": 10, "r": 10, "t": 10, "b": 40},
        font=FONT, barmode="overlay", clickmode="event+select", dragmode=False,
        yaxis={"categoryorder": "array", "categoryarray": [drawn[a] for a in order][::-1],
               "automargin": True,
               "title": None},
        xaxis={"title": f"number of {unit}", "dtick": 1 if len(counts) and
               counts["count"].max() <= 10 else None, "fixedrange": True},
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0, "title": None},
    )
    return fig


TICKS = {"day": "%d %b %Y", "week": "%d %b %Y", "month": "%b %Y"}
DAY_MS = 86_400_000
PERIOD = {"day": pd.Timedelta(days=1), "week": pd.Timedelta(days=7),
          "month": pd.Timedelta(days=30)}
DTICK = {"day": DAY_MS, "week": 7 * DAY_MS, "month": "M1"}


def timeline_chart(periods: pd.DataFrame, granularity: str) -> go.Figure:
    """Stacked bars of events per period, coloured by status."""
    fig = go.Figure()
    for status, colour in STATUS_COLOURS.items():
        part = periods[periods["status"] == status]
        if part.empty:
            continue
        fig.add_trace(go.Bar(
            x=part["period"], y=part["n_events"], name=status, marker_color=colour,
            showlegend=True,
            width=0.8 * PERIOD[granularity].total_seconds() * 1000,
            customdata=np.array([[hover_text(e)] for e in part["events"]], dtype=object
                                ).reshape(-1, 1),
            hovertemplate=(f"<b>%{{x|{TICKS[granularity]}}}</b> ({granularity})<br>"
                           f"{status}: %{{y}}<br>%{{customdata[0]}}<extra></extra>"),
        ))
    # Bars are centred on the period start; pad by a period so a lone bar is not a wall, and
    # tick once per period while that stays legible (plotly's own ticks repeat "Sep 2019").
    first, last = pd.Timestamp(periods["period"].min()), pd.Timestamp(periods["period"].max())
    pad = PERIOD[granularity]
    n_periods = (last - first) / pad + 1
    fig.update_layout(
        barmode="stack", height=300, margin={"l": 10, "r": 10, "t": 30, "b": 40}, font=FONT,
        xaxis={"type": "date", "tickformat": TICKS[granularity], "title": None,
               "range": [first - pad, last + pad], "ticklabelmode": "instant",
               "dtick": DTICK[granularity] if n_periods <= 14 else None},
        yaxis={"title": f"events per {granularity}", "dtick": 1 if len(periods) and
               periods.groupby("period")["n_events"].sum().max() <= 10 else None},
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0, "title": None},
    )
    return fig


EDGE_COLOUR = "rgba(120, 130, 145, {alpha})"


def _wrap(name: str, width: int = 16) -> str:
    """A long name on two lines, split at the space nearest its middle."""
    if len(name) <= width or " " not in name:
        return name
    spaces = [k for k, c in enumerate(name) if c == " "]
    cut = min(spaces, key=lambda k: abs(k - len(name) / 2))
    return name[:cut] + "<br>" + name[cut + 1:]


def _label_anchor(x: float, y: float, gap: float) -> tuple[str, str, float, float]:
    """(xanchor, yanchor, xshift, yshift) of a node's label: outward from the centre, ``gap``
    pixels from the node's middle, so labels sit outside the ring and beside their marker."""
    if abs(x) < 1e-9 and abs(y) < 1e-9:
        return "center", "top", 0, -gap  # the hub: below its marker
    if x > 0.35:
        return "left", "middle", gap, 0
    if x < -0.35:
        return "right", "middle", -gap, 0
    return ("center", "bottom", 0, gap) if y > 0 else ("center", "top", 0, -gap)


def node_sizes(n_events: pd.Series) -> list[float]:
    """Marker diameters in pixels: area grows with the number of events."""
    most = float(n_events.max()) if len(n_events) else 1.0
    return [14 + 22 * (n / most) ** 0.5 for n in n_events]


def network_chart(net: Network, *, height: int = 420) -> go.Figure:
    """Who met whom: actors as nodes sized by their held events, lines between actors who
    shared events, thicker for more. Nodes carry the actor in ``customdata[0]`` (clickable,
    like the actor bars); labels are annotations on a white backing so lines never cross
    the text."""
    nodes, edges = net.nodes, net.edges
    at = {a: (float(x), float(y)) for a, x, y in zip(nodes["actor"], nodes["x"], nodes["y"],
                                                     strict=True)}
    fig = go.Figure()
    lightest = int(edges["weight"].min()) if len(edges) else 1
    spread = max(int(edges["weight"].max()) - lightest, 1) if len(edges) else 1
    for weight in sorted(set(edges["weight"])):  # heaviest drawn last, on top
        part = edges[edges["weight"] == weight]
        xs: list[float | None] = []
        ys: list[float | None] = []
        for a, b in zip(part["source"], part["target"], strict=True):
            xs += [at[a][0], at[b][0], None]
            ys += [at[a][1], at[b][1], None]
        share = (weight - lightest) / spread  # 0 for the lightest tie, 1 for the heaviest
        fig.add_trace(go.Scatter(
            x=xs, y=ys, mode="lines", hoverinfo="skip", showlegend=False,
            line={"width": 2 + 7 * share, "color": EDGE_COLOUR.format(alpha=0.45 + 0.4 * share)},
        ))
    if len(edges):  # hover on an edge's midpoint tells its weight
        mid = np.array([[(at[a][0] + at[b][0]) / 2, (at[a][1] + at[b][1]) / 2]
                        for a, b in zip(edges["source"], edges["target"], strict=True)])
        fig.add_trace(go.Scatter(
            x=mid[:, 0], y=mid[:, 1], mode="markers", showlegend=False,
            marker={"size": 14, "color": "rgba(0,0,0,0)"},
            text=[f"{plotly_text(a)} and {plotly_text(b)}" for a, b in zip(
                edges["source"], edges["target"], strict=True)],
            customdata=edges[["weight"]].to_numpy(),
            hovertemplate="<b>%{text}</b><br>%{customdata[0]} shared event(s)<extra></extra>",
        ))
    sizes = pd.Series(node_sizes(nodes["n_events"]), index=nodes.index)
    for kind, colour, part in by_kind(nodes):
        fig.add_trace(go.Scatter(
            x=part["x"], y=part["y"], mode="markers", name=kind, showlegend=True,
            marker={"size": sizes[part.index].tolist(), "opacity": 1.0,
                    "color": colour, "line": {"width": 2, "color": "white"}},
            unselected={"marker": {"opacity": 0.3}},
            customdata=np.array([[a, k, n, d, hover_text(a)] for a, k, n, d in zip(
                part["actor"], part["kind"], part["n_events"], part["degree"], strict=True)],
                dtype=object).reshape(-1, 5),
            hovertemplate=("<b>%{customdata[4]}</b> (%{customdata[1]})<br>"
                           "%{customdata[2]} held event(s), with %{customdata[3]} of the "
                           "actors shown<extra></extra>"),
        ))
    for actor, x, y, size in zip(nodes["actor"], nodes["x"], nodes["y"], sizes, strict=True):
        xanchor, yanchor, dx, dy = _label_anchor(float(x), float(y), size / 2 + 3)
        fig.add_annotation(
            x=x, y=y, text=_wrap(plotly_text(actor)), showarrow=False, xanchor=xanchor,
            yanchor=yanchor, xshift=dx, yshift=dy, font={"size": 13, "color": "#222"},
            bgcolor="rgba(255,255,255,0.85)", borderpad=1)
    hidden = {"visible": False, "fixedrange": True}
    fig.update_layout(
        height=height, margin={"l": 10, "r": 10, "t": 30, "b": 10}, font=FONT,
        plot_bgcolor="white", clickmode="event+select", dragmode=False, hovermode="closest",
        xaxis={**hidden, "range": [-2.0, 2.0]}, yaxis={**hidden, "range": [-1.25, 1.5]},
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0, "title": None},
        hoverlabel={"bgcolor": "white", "font_size": 13},
    )
    return fig
