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
from plotly.subplots import make_subplots

from dashboard import geomap, labels
from dashboard.network import Network
from dashboard.selection import PAIR_SEP

KIND_COLOURS = {"person": "#0072B2", "organization": "#E69F00", "country": "#009E73"}
STATUS_COLOURS = {"held": "#0072B2", "planned": "#E69F00", "cancelled": "#999999"}
MARKER = "#D55E00"
FONT = {"family": "sans-serif", "size": 13}


def country_name(code: str) -> str:
    """Full country name for an ISO alpha-2 code; the code itself when unknown."""
    country = pycountry.countries.get(alpha_2=code.upper()) if code else None
    return str(getattr(country, "common_name", None) or getattr(country, "name", code or ""))


MAP_HEIGHT = 440
MIN_MAP_HEIGHT = 260


def _size_legend(most: int) -> tuple[list[dict], list[dict]]:
    """Shapes and annotations of a legend of two or three reference marker sizes, bottom left
    in pixels (a scattergeo legend would draw every symbol the same size)."""
    steps = geomap.nice_steps(most)
    sizes = geomap.diameters(np.array(steps), most)
    height = float(sizes.max()) + 10
    shapes: list[dict] = []
    notes: list[dict] = []
    x = 10.0
    corner = {"xref": "paper", "yref": "paper", "xanchor": 0, "yanchor": 0,
              "xsizemode": "pixel", "ysizemode": "pixel"}
    for step, d in zip(steps, sizes, strict=True):
        mid = 4 + height / 2
        shapes.append({**corner, "type": "circle", "x0": x, "x1": x + d, "y0": mid - d / 2,
                       "y1": mid + d / 2, "fillcolor": MARKER, "opacity": 0.85,
                       "line": {"color": "white", "width": 1}})
        notes.append({"xref": "paper", "yref": "paper", "x": 0, "y": 0, "xanchor": "left",
                      "yanchor": "middle", "xshift": x + d + 3, "yshift": mid,
                      "text": str(step), "showarrow": False, "font": {"size": 11}})
        x += d + 3 + labels.text_width(str(step), 11) + 8
    notes.append({"xref": "paper", "yref": "paper", "x": 0, "y": 0, "xanchor": "left",
                  "yanchor": "middle", "xshift": x, "yshift": 4 + height / 2,
                  "text": "events", "showarrow": False, "font": {"size": 11, "color": "#555"}})
    x += labels.text_width("events", 11) + 8
    backing = {**corner, "type": "rect", "x0": 4, "x1": x, "y0": 4, "y1": 4 + height,
               "fillcolor": "rgba(255,255,255,0.85)", "line": {"width": 0}, "layer": "above"}
    return [backing, *[{**s, "layer": "above"} for s in shapes]], notes


def venue_map(venues: pd.DataFrame, *, cities: dict[tuple[float, float], str] | None = None,
              height: int = MAP_HEIGHT) -> go.Figure:
    """Meeting venues as markers whose area is proportional to their events; the biggest
    labelled where the labels collide with nothing; the view fitted to the venues.

    A marker is one spot (a city and the sites in it) or, beyond ``geomap.MAX_MARKERS`` spots,
    a cell of nearby spots; ``customdata[0]`` holds its venue keys. The figure does not depend
    on which venue is clicked: plotly dims the others itself, and an unchanged figure keeps
    Streamlit from dropping the selection.
    """
    spots = geomap.spots(venues, cities)
    view = geomap.view_of(list(spots["lat"]), list(spots["lon"]), height=height)
    # A view as wide as the world cannot be as tall as the panel: shorten the panel instead
    # of leaving it empty above and below.
    dx, dy = view.size()
    fitted = int(min(height, max(MIN_MAP_HEIGHT, geomap.TYPICAL_WIDTH * dy / dx)))
    if fitted < height:
        height = fitted
        view = geomap.view_of(list(spots["lat"]), list(spots["lon"]), height=height)
    markers = geomap.cells(spots, view)
    most = int(markers["n_events"].max()) if len(markers) else 1
    sizes = geomap.diameters(markers["n_events"], most)
    chosen = geomap.map_labels(markers, view, sizes)
    text = np.array([labels.plain(chosen[i][0]) if i in chosen else ""
                     for i in range(len(markers))], dtype=object)
    where = np.array([chosen[i][1] if i in chosen else "top center"
                      for i in range(len(markers))], dtype=object)
    # A numpy array, not nested lists: plotly validates lists item by item, which took most
    # of a rerun with thousands of venues.
    customdata = np.array([
        [k, labels.plain(n), country_name(c), e, f"<br>Venues: {v}" if v else "",
         labels.plain(d) or "undated", labels.plain(t) or "none recorded"]
        for k, n, c, e, v, d, t in zip(
            markers["key"], markers["name"], markers["country_code"], markers["n_events"],
            markers["venues"], markers["dates"], markers["participants"], strict=True)],
        dtype=object).reshape(-1, 7)
    fig = go.Figure([
        go.Scattergeo(
            lat=markers["lat"], lon=markers["lon"], mode="markers+text", text=text,
            textposition=where, textfont={"size": geomap.LABEL_SIZE, "color": "#222"},
            customdata=customdata,
            marker={"size": sizes, "sizemode": "diameter", "color": MARKER, "opacity": 0.85,
                    "line": {"width": 1, "color": "white"}},
            unselected={"marker": {"opacity": 0.3}, "textfont": {"color": "#999"}},
            hovertemplate=("<b>%{customdata[1]}</b>, %{customdata[2]}<br>"
                           "Events: %{customdata[3]}%{customdata[4]}<br>"
                           "Dates: %{customdata[5]}<br>"
                           "Top participants: %{customdata[6]}<extra></extra>"),
            name="venues",
        ),
    ])
    fig.update_geos(
        projection_type="natural earth", resolution=110,
        lonaxis_range=list(view.lon), lataxis_range=list(view.lat),
        showland=True, landcolor="#F3F1EC", showocean=True, oceancolor="#DCEBF5",
        showcountries=True, countrycolor="#9A9A9A", countrywidth=0.6,
        showcoastlines=True, coastlinecolor="#8A8A8A", showframe=False, showlakes=False,
    )
    shapes, notes = _size_legend(most)
    fig.update_layout(height=height, margin={"l": 0, "r": 0, "t": 0, "b": 0}, font=FONT,
                      showlegend=False, clickmode="event+select", dragmode="pan",
                      hoverlabel={"bgcolor": "white", "font_size": 13},
                      shapes=shapes, annotations=notes)
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
    # Escaped, cut and distinct labels: two long names with one beginning keep two bars.
    drawn = dict(zip(order, labels.distinct(order, labels.TICK_CHARS), strict=True))
    fig = go.Figure()
    for kind, colour, part in by_kind(counts):
        fig.add_trace(go.Bar(
            x=part["count"], y=[drawn[a] for a in part["actor"]], orientation="h", name=kind,
            showlegend=True, marker={"color": colour}, unselected={"marker": {"opacity": 0.35}},
            customdata=[[a, kind, labels.plain(a)] for a in part["actor"]],
            hovertemplate=f"<b>%{{customdata[2]}}</b> ({kind})<br>%{{x}} {unit}<extra></extra>",
        ))
    fig.update_layout(
        height=max(220, 30 * len(order) + 90), margin={"l": 10, "r": 10, "t": 10, "b": 40},
        font=FONT, barmode="overlay", clickmode="event+select", dragmode=False,
        yaxis={"categoryorder": "array", "categoryarray": [drawn[a] for a in order[::-1]],
               "automargin": True, "title": None},
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


def timeline_chart(periods: pd.DataFrame, granularity: str,
                   undated: pd.DataFrame | None = None) -> go.Figure:
    """Stacked bars of events per period, coloured by status, and beside them a bar of the
    undated events (``aggregate.undated_by_status_of``) on an axis of its own."""
    has_undated = undated is not None and not undated.empty
    has_dated = not periods.empty
    # The undated bar has an axis of its own: in a real corpus it can be fifty times a month's
    # bar, and a shared axis would flatten every dated bar.
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.04,
                        column_widths=[0.88, 0.12] if has_dated else [0.01, 0.99])
    for status, colour in STATUS_COLOURS.items():
        part = periods[periods["status"] == status]
        if not part.empty:
            fig.add_trace(go.Bar(
                x=part["period"], y=part["n_events"], name=status, marker_color=colour,
                legendgroup=status, showlegend=True,
                width=0.8 * PERIOD[granularity].total_seconds() * 1000,
                customdata=part[["events"]].to_numpy(),
                hovertemplate=(f"<b>%{{x|{TICKS[granularity]}}}</b> ({granularity})<br>"
                               f"{status}: %{{y}}<br>%{{customdata[0]}}<extra></extra>"),
            ), row=1, col=1)
        if has_undated and undated is not None:
            rest = undated[undated["status"] == status]
            if not rest.empty:
                fig.add_trace(go.Bar(
                    x=["undated"], y=rest["n_events"], name=status, marker_color=colour,
                    legendgroup=status, showlegend=part.empty, width=0.6,
                    text=rest["n_events"], textposition="inside",
                    hovertemplate=(f"<b>undated</b><br>{status}: %{{y}}<br>No date in the "
                                   "articles<extra></extra>"),
                ), row=1, col=2)
    totals = [periods.groupby("period")["n_events"].sum().max() if has_dated else 0,
              undated["n_events"].sum() if has_undated and undated is not None else 0]
    fig.update_layout(
        barmode="stack", height=300, margin={"l": 10, "r": 10, "t": 30, "b": 40}, font=FONT,
        yaxis={"title": f"events per {granularity}",
               "dtick": 1 if max(totals) <= 10 else None},
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0, "title": None},
    )
    fig.update_xaxes(type="category", fixedrange=True, row=1, col=2)
    fig.update_yaxes(showticklabels=False, showgrid=False, fixedrange=True, row=1, col=2)
    if has_dated:
        # Bars are centred on the period start; pad by a period so a lone bar is not a wall,
        # and tick once per period while that stays legible (plotly's own ticks repeat).
        first = pd.Timestamp(periods["period"].min())
        last = pd.Timestamp(periods["period"].max())
        pad = PERIOD[granularity]
        n_periods = (last - first) / pad + 1
        fig.update_xaxes(type="date", tickformat=TICKS[granularity], title=None,
                         range=[first - pad, last + pad], ticklabelmode="instant",
                         dtick=DTICK[granularity] if n_periods <= 14 else None, row=1, col=1)
    else:
        fig.update_xaxes(visible=False, row=1, col=1)
    return fig


EDGE_COLOUR = "rgba(120, 130, 145, {alpha})"
NETWORK_HEIGHT = 520
NETWORK_MARGIN = {"l": 10, "r": 10, "t": 30, "b": 10}
NETWORK_WIDTHS = (520.0, 1500.0)  # the panel's width, narrowest and widest window
NETWORK_RANGE = 1.12  # axes span [-1.12, 1.12]: room for the outer nodes' labels
NODE_LABEL_SIZE = 12


def abbreviate(name: str) -> str:
    """A shorter form of a name for a crowded network: "Z. Khalilzad", or a cut name."""
    words = name.split()
    if len(words) >= 2 and all(w[:1].isupper() for w in words):
        short = f"{words[0][0]}. {words[-1]}"
        if len(short) < len(name):
            return short
    return geomap.short(name, 14)


def node_sizes(n_events: pd.Series) -> list[float]:
    """Marker diameters in pixels: area grows with the number of events."""
    most = float(n_events.max()) if len(n_events) else 1.0
    return [12 + 18 * (n / most) ** 0.5 for n in n_events]


def network_labels(nodes: pd.DataFrame, sizes: list[float], *, height: int = NETWORK_HEIGHT,
                   widths: tuple[float, float] = NETWORK_WIDTHS) -> list[labels.Placed]:
    """Which nodes get a label (full name, else abbreviated) and on which side, so that no
    two labels and no label and node overlap at any panel width."""
    span = 2 * NETWORK_RANGE
    inner_h = height - NETWORK_MARGIN["t"] - NETWORK_MARGIN["b"]
    sy = inner_h / span
    scales = [((w - NETWORK_MARGIN["l"] - NETWORK_MARGIN["r"]) / span, sy)
              for w in np.geomspace(widths[0], widths[1], 5)]
    candidates = [labels.Candidate(float(x) + NETWORK_RANGE, NETWORK_RANGE - float(y), d / 2,
                                   tuple(dict.fromkeys((labels.shown(a, labels.LABEL_CHARS),
                                                        abbreviate(labels.shown(a))))))
                  for a, x, y, d in zip(nodes["actor"], nodes["x"], nodes["y"], sizes,
                                        strict=True)]
    return labels.place_labels(candidates, positions=("right", "left", "top", "bottom"),
                               box=labels.annotation_box, size=NODE_LABEL_SIZE, scales=scales,
                               limit=len(candidates), frame=(0.0, 0.0, span, span))


def network_chart(net: Network, *, height: int = NETWORK_HEIGHT) -> go.Figure:
    """Who met whom: actors as nodes sized by their held events, lines between actors who
    shared events, thicker for more. Nodes carry the actor in ``customdata[0]`` and an
    (invisible) marker at each line's middle the pair joined by ``selection.PAIR_SEP``: both
    are clickable. Labels are annotations on a white backing, placed where they overlap
    nothing (``network_labels``); an actor without room for a label is named on hover."""
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
            line={"width": min(1.5 + 1.5 * (weight - 1) ** 0.8, 10.0),
                  "color": EDGE_COLOUR.format(alpha=0.35 + 0.45 * share)},
        ))
    if len(edges):  # an edge's middle: its hover card names the shared events; clickable
        mid = np.array([[(at[a][0] + at[b][0]) / 2, (at[a][1] + at[b][1]) / 2]
                        for a, b in zip(edges["source"], edges["target"], strict=True)])
        fig.add_trace(go.Scatter(
            x=mid[:, 0], y=mid[:, 1], mode="markers", showlegend=False, name="shared events",
            marker={"size": 12, "color": "rgba(0,0,0,0)"},
            unselected={"marker": {"opacity": 0}},
            customdata=np.array([[PAIR_SEP.join((a, b)), labels.plain(a), labels.plain(b), w, e]
                                 for a, b, w, e in zip(edges["source"], edges["target"],
                                                       edges["weight"], edges["events"],
                                                       strict=True)],
                                dtype=object).reshape(-1, 5),
            hovertemplate=("<b>%{customdata[1]} and %{customdata[2]}</b><br>"
                           "%{customdata[3]} shared held event(s):<br>%{customdata[4]}"
                           "<extra></extra>"),
        ))
    sizes = node_sizes(nodes["n_events"])
    size_of = pd.Series(sizes, index=nodes.index)
    for kind, colour, part in by_kind(nodes):
        fig.add_trace(go.Scatter(
            x=part["x"], y=part["y"], mode="markers", name=kind, showlegend=True,
            marker={"size": size_of[part.index].tolist(), "opacity": 1.0,
                    "color": colour, "line": {"width": 2, "color": "white"}},
            unselected={"marker": {"opacity": 0.3}},
            customdata=np.array([[a, k, n, d, labels.plain(a)] for a, k, n, d in zip(
                part["actor"], part["kind"], part["n_events"], part["degree"], strict=True)],
                dtype=object).reshape(-1, 5),
            hovertemplate=("<b>%{customdata[4]}</b> (%{customdata[1]})<br>"
                           "%{customdata[2]} held event(s), with %{customdata[3]} of the "
                           "actors shown<extra></extra>"),
        ))
    for placed in network_labels(nodes, sizes, height=height):
        row = nodes.iloc[placed.index]
        xanchor, yanchor, dx, dy = labels.annotation_at(placed.position, sizes[placed.index] / 2)
        fig.add_annotation(
            x=row["x"], y=row["y"], text=labels.plain(placed.text, labels.LABEL_CHARS),
            showarrow=False, xanchor=xanchor, yanchor=yanchor, xshift=dx, yshift=dy,
            font={"size": NODE_LABEL_SIZE, "color": "#222"},
            bgcolor="rgba(255,255,255,0.85)", borderpad=1)
    hidden = {"visible": False, "fixedrange": True}
    fig.update_layout(
        height=height, margin=NETWORK_MARGIN, font=FONT,
        plot_bgcolor="white", clickmode="event+select", dragmode=False, hovermode="closest",
        xaxis={**hidden, "range": [-NETWORK_RANGE, NETWORK_RANGE]},
        yaxis={**hidden, "range": [-NETWORK_RANGE, NETWORK_RANGE]},
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0, "title": None},
        hoverlabel={"bgcolor": "white", "font_size": 13},
    )
    return fig
