"""Charts of a result, drawn on the server as SVG with matplotlib.

Each function takes plain numbers (lists or arrays, bidders in input order) and
returns a `Chart`: the SVG itself plus everything a page needs so that nobody
has to see the picture to get its meaning: short ``alt`` text for the
``<img>``, a ``description`` (a few plain-English sentences) and the data as a
table (``head`` and ``rows``, already formatted). No Flask, no database.
Drawing costs a few hundred milliseconds, so a page that only needs the words
and the table passes ``draw=False`` (``svg`` is then empty) and leaves the
drawing to the image route.

Pages show a chart with ``<img src=...>`` pointing at a route that returns
``chart.svg`` as ``image/svg+xml``: matplotlib writes ``style`` attributes
inside the SVG, which the page's Content-Security-Policy (``style-src 'self'``)
would block inline but does not govern inside an image. `SVG_HEADERS` are the
headers to send with it.

Why matplotlib: it is the most widely used and best maintained Python plotting
library, its SVG backend is pure Python (no Agg, no browser, no JavaScript), and
with a fixed hash salt and no date its output is byte-for-byte reproducible.
Matplotlib is imported on first use, so the app starts without paying for it.

>>> chart = win_probabilities(["Bidder A", "Bidder B"], [0.62, 0.38])
>>> chart.svg.startswith("<?xml")
True
"""

from __future__ import annotations

import io
import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from . import numbers
from .engine import ranking  # who comes first at a share: the engine's tie rule

if TYPE_CHECKING:  # matplotlib itself is imported only when a chart is drawn
    from matplotlib.typing import RcKeyType

#: Send these with ``chart.svg``: inline styles inside the image only, nothing else.
SVG_HEADERS = {
    "Content-Type": "image/svg+xml; charset=utf-8",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
}

#: NHS identity colours, in an order where neighbours contrast.
PALETTE = (
    "#005eb8",  # NHS blue
    "#ffb81c",  # warm yellow
    "#007f3b",  # green
    "#ae2573",  # pink
    "#41b6e6",  # light blue
    "#330072",  # purple
    "#ed8b00",  # orange
    "#00a499",  # aqua green
    "#768692",  # mid grey
    "#003087",  # dark blue
)
#: Hatches repeat with the colours so segments differ without colour too.
HATCHES = ("", "//", "..", "\\\\", "xx", "--", "++", "oo", "||", "**")
TEXT_COLOUR = "#212b32"
GRID_COLOUR = "#d8dde0"

_RC: dict[RcKeyType, Any] = {
    "svg.fonttype": "none",  # keep text as text: smaller, selectable, readable
    "svg.hashsalt": "nhs-scoring",  # stable ids, so the same data gives the same bytes
    "font.family": "sans-serif",
    "font.sans-serif": ["Arial", "Helvetica", "DejaVu Sans"],
    "font.size": 11,
    "text.color": TEXT_COLOUR,
    "axes.labelcolor": TEXT_COLOUR,
    "axes.edgecolor": TEXT_COLOUR,
    "xtick.color": TEXT_COLOUR,
    "ytick.color": TEXT_COLOUR,
    "hatch.color": "#ffffff",
    "hatch.linewidth": 1.0,
    # Bidder and section codes are typed by people: "$x^2$" or "$\\foo$" must show as typed, not
    # be read as mathtext (which mangles the first and raises on the second).
    "text.parse_math": False,
}
_LOCK = threading.Lock()  # rc_context changes matplotlib's global settings


@dataclass(frozen=True)
class Chart:
    """A rendered chart and its accessible alternatives.

    Attributes
    ----------
    name : str
        Short identifier, e.g. ``"totals-by-section"``.
    title : str
        Heading for the chart.
    alt : str
        One-sentence alternative text for the ``<img>``.
    description : list of str
        Plain-English sentences saying what the chart shows.
    head : list of str
        Column headings of the data table.
    rows : list of list of str
        The data, formatted for reading; the first cell of a row names it.
    svg : str
        The SVG document.
    """

    name: str
    title: str
    alt: str
    description: list[str]
    head: list[str]
    rows: list[list[str]] = field(repr=False)
    svg: str = field(repr=False)

    def table(self) -> dict:
        """Parameters for the NHS.UK ``table`` macro (first cell of each row is its header)."""
        return {
            "head": [{"text": h} for h in self.head],
            "rows": [
                [{"text": cell, **({"header": True} if i == 0 else {})} for i, cell in enumerate(row)]
                for row in self.rows
            ],
            "caption": f"Data for the chart: {self.title}",
            "firstCellIsHeader": True,
        }


def _points(value: float) -> str:
    return numbers.points(value)


def _percent(fraction: float) -> str:
    return numbers.percent(fraction, exact=True)


def _join(names: Sequence[str]) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _figure(width: float, height: float):
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasSVG(figure)
    return figure


def _render(picture) -> str:
    """Run ``picture()`` (which returns a Figure) with our settings and return the SVG text."""
    import matplotlib

    with _LOCK, matplotlib.rc_context(_RC):
        figure = picture()
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def _style_axes(ax, *, grid_axis: str) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(axis=grid_axis, color=GRID_COLOUR, linewidth=0.8)
    ax.set_axisbelow(True)


def stacked_totals(
    bidders: Sequence[str],
    parts: Sequence[tuple[str, Sequence[float]]],
    *,
    name: str = "stacked-totals",
    title: str = "Each bidder's total",
    part_heading: str = "Part",
    maximum: float = 100.0,
    draw: bool = True,
) -> Chart:
    """A horizontal stacked bar per bidder: its total split into parts.

    Parameters
    ----------
    bidders : (n_bidders,) labels, in the order to show them (top first)
    parts : sequence of (label, (n_bidders,) points)
        Each part's points for every bidder, e.g. one per section, or
        ``[("Patient scores", ...), ("Panel scores", ...)]``. Parts that are 0
        for every bidder are left out of the picture but kept in the table.
    part_heading : str
        What a part is, for the sentences and table ("Section", "Who scored").
    maximum : float
        The end of the axis (totals are out of 100).
    draw : bool
        False to skip drawing: ``svg`` is then empty (every chart function takes it).
    """
    bidders = [str(b) for b in bidders]
    parts = [(str(label), [float(v) for v in values]) for label, values in parts]
    totals = [sum(values[b] for _, values in parts) for b in range(len(bidders))]
    shown = [(label, values) for label, values in parts if any(abs(v) > 1e-12 for v in values)]

    def picture():
        height = 1.2 + 0.55 * max(len(bidders), 1) + 0.3 * math.ceil(len(shown) / 4)
        figure = _figure(7.5, height)
        ax = figure.add_subplot()
        rows = list(range(len(bidders)))[::-1]  # first bidder at the top
        left = [0.0] * len(bidders)
        for i, (label, values) in enumerate(shown):
            ax.barh(
                rows,
                values,
                left=left,
                height=0.6,
                label=label,
                color=PALETTE[i % len(PALETTE)],
                hatch=HATCHES[(i // 2) % len(HATCHES)],
                edgecolor="#ffffff",
                linewidth=0.8,
            )
            left = [a + b for a, b in zip(left, values)]
        for row, total in zip(rows, totals):
            ax.text(total + maximum * 0.01, row, _points(total), va="center", fontsize=10)
        ax.set_yticks(rows, bidders)
        ax.set_xlim(0, maximum * 1.08)
        ax.set_xlabel("Points out of 100")
        _style_axes(ax, grid_axis="x")
        if shown:
            ax.legend(
                loc="upper center",
                bbox_to_anchor=(0.5, -0.25 if len(bidders) > 2 else -0.35),
                ncols=min(len(shown), 4),
                frameon=False,
                fontsize=10,
            )
        return figure

    svg = _render(picture) if draw else ""
    head = ["Bidder", *[label for label, _ in parts], "Total"]
    rows = [
        [bidder, *[_points(values[b]) for _, values in parts], _points(totals[b])] for b, bidder in enumerate(bidders)
    ]
    description = []
    if bidders:
        best = max(range(len(bidders)), key=lambda b: totals[b])
        description.append(f"{bidders[best]} has the highest total, {_points(totals[best])} points out of {maximum:g}.")
        for b, bidder in enumerate(bidders):
            if not parts:
                continue
            label, values = max(parts, key=lambda p: p[1][b])
            description.append(
                f"{bidder}: {_points(totals[b])} points in all. The biggest part "
                f"({_points(values[b])} points): {label}."
            )
    alt = (
        f"Stacked bar chart of each bidder's total out of {maximum:g}, split by "
        f"{part_heading.lower()}. The same figures are in the table below."
    )
    return Chart(name=name, title=title, alt=alt, description=description, head=head, rows=rows, svg=svg)


def winner_sweep(
    bidders: Sequence[str],
    patient_totals: Sequence[float] | np.ndarray,
    other_totals: Sequence[float] | np.ndarray,
    *,
    today: float,
    tipping_points: Sequence[float] = (),
    failing: Sequence[bool] | np.ndarray | None = None,
    name: str = "winner-sweep",
    title: str = "Who would win if patient-scored sections were worth more or less",
    steps: int = 20,
    draw: bool = True,
) -> Chart:
    """Each bidder's total as the patient sections' share of the marks goes from 0 to 100%.

    A bidder's total at share α is ``α × P + (1 − α) × O`` (see
    `scoring.engine.sweep`), a straight line; the highest line among passing
    bidders is the winner at that share.

    Parameters
    ----------
    bidders : (n_bidders,) labels
    patient_totals, other_totals : (n_bidders,) points, P and O above
    today : float
        Today's patient weight share, 0 to 1.
    tipping_points : shares (0 to 1) at which the winner changes.
    failing : (n_bidders,) bool or None
        Failing bidders cannot win; their lines are dashed.
    steps : int
        The table has a row for every 1/steps of the share (0, 5%, ... 100%).
    """
    bidders = [str(b) for b in bidders]
    P = [float(v) for v in patient_totals]
    O = [float(v) for v in other_totals]  # noqa: E741  (P and O: the patient and other parts, as in the formula)
    failing = [bool(f) for f in failing] if failing is not None else [False] * len(bidders)
    tipping = [float(t) for t in tipping_points]

    def total(b: int, alpha: float) -> float:
        return alpha * P[b] + (1 - alpha) * O[b]

    def winner_at(alpha: float) -> str:
        if all(failing):
            return "None (no bidder passes)"
        ranks = ranking.rank(
            np.array([total(b, alpha) for b in range(len(bidders))]), np.array(failing)
        )  # the engine's tie rule
        first = ranking.leader(ranks, np.asarray(failing, dtype=bool))
        if first is not None:
            return bidders[first]
        return "Tie: " + _join([bidders[b] for b in ranking.tied_first(ranks, np.asarray(failing, dtype=bool))])

    def picture():
        figure = _figure(7.5, 4.2)
        ax = figure.add_subplot()
        for b, bidder in enumerate(bidders):
            ax.plot(
                [0, 100],
                [O[b], P[b]],
                color=PALETTE[b % len(PALETTE)],
                linewidth=2.2,
                linestyle="--" if failing[b] else "-",
                label=bidder + (" (fails a minimum score)" if failing[b] else ""),
                marker=("o", "s", "^", "D", "v", "P", "X", "*")[b % 8],
                markevery=[0, 1],
            )
        ax.axvline(100 * today, color=TEXT_COLOUR, linewidth=1.5)
        ax.annotate(
            f"Today: {_percent(today)}",
            (100 * today, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(4, -12),
            textcoords="offset points",
            fontsize=10,
        )
        for t in tipping:
            ax.axvline(100 * t, color="#d5281b", linewidth=1.2, linestyle=":")
            ax.annotate(
                f"Winner changes: {_percent(t)}",
                (100 * t, 0.0),
                xycoords=("data", "axes fraction"),
                xytext=(4, 6),
                textcoords="offset points",
                fontsize=9,
                color="#d5281b",
            )
        ax.set_xlim(0, 100)
        ax.set_xlabel("Share of the marks given to patient-scored sections (%)")
        ax.set_ylabel("Total (points out of 100)")
        _style_axes(ax, grid_axis="both")
        ax.legend(
            loc="upper center", bbox_to_anchor=(0.5, -0.18), ncols=min(len(bidders), 3), frameon=False, fontsize=10
        )
        return figure

    svg = _render(picture) if draw else ""
    head = ["Patient share", *bidders, "Would win"]
    rows = []
    for i in range(steps + 1):
        alpha = i / steps
        rows.append([_percent(alpha), *[_points(total(b, alpha)) for b in range(len(bidders))], winner_at(alpha)])
    description = [
        f"Today patient-scored sections are worth {_percent(today)} of the marks, and "
        f"the leader at that share is {winner_at(today)}."
    ]
    if tipping:
        for t in tipping:
            before, after = winner_at(max(t - 1e-6, 0.0)), winner_at(min(t + 1e-6, 1.0))
            description.append(f"At {_percent(t)} the leader changes from {before} to {after}.")
    else:
        description.append("The leader is the same whatever share the patient-scored sections have.")
    alt = (
        "Line chart of each bidder's total as the share of the marks given to "
        "patient-scored sections goes from 0% to 100%. The same figures are in the table below."
    )
    return Chart(name=name, title=title, alt=alt, description=description, head=head, rows=rows, svg=svg)


def win_probabilities(
    bidders: Sequence[str],
    probabilities: Sequence[float],
    *,
    name: str = "win-probabilities",
    title: str = "How often each bidder came first when the weights changed a little",
    draws: int | None = None,
    draw: bool = True,
) -> Chart:
    """A bar per bidder: its chance of ranking first under random small weight changes.

    Parameters
    ----------
    bidders : (n_bidders,) labels
    probabilities : (n_bidders,) fractions 0 to 1
    draws : int or None
        How many random weight sets were tried, for the sentences.
    """
    bidders = [str(b) for b in bidders]
    probabilities = [float(p) for p in probabilities]

    def picture():
        figure = _figure(7.5, 1.2 + 0.55 * max(len(bidders), 1))
        ax = figure.add_subplot()
        rows = list(range(len(bidders)))[::-1]
        ax.barh(
            rows,
            [100 * p for p in probabilities],
            height=0.6,
            color=[PALETTE[b % len(PALETTE)] for b in range(len(bidders))],
        )
        for row, p in zip(rows, probabilities):
            ax.text(100 * p + 1, row, _percent(p), va="center", fontsize=10)
        ax.set_yticks(rows, bidders)
        ax.set_xlim(0, 110)
        ax.set_xticks([0, 25, 50, 75, 100])
        ax.set_xlabel("Chance of coming first (%)")
        _style_axes(ax, grid_axis="x")
        return figure

    svg = _render(picture) if draw else ""
    rows = [
        [bidder, _percent(p), f"{numbers.number(100 * p, 0)} out of 100"] for bidder, p in zip(bidders, probabilities)
    ]
    tries = f"{draws:,} times" if draws else "many times"
    description = []
    if bidders and any(probabilities):
        best = max(range(len(bidders)), key=lambda b: probabilities[b])
        description.append(
            f"The section weights were changed a little at random {tries}. "
            f"{bidders[best]} came first most often: {numbers.number(100 * probabilities[best], 0)} "
            "out of every 100 tries."
        )
        never = [b for b, p in zip(bidders, probabilities) if p == 0]
        if never:
            description.append(f"{_join(never)} never came first.")
    else:
        description.append("No bidder could come first, so there is nothing to compare.")
    alt = (
        "Bar chart of each bidder's chance of coming first when the section weights are "
        "changed a little at random. The same figures are in the table below."
    )
    return Chart(
        name=name,
        title=title,
        alt=alt,
        description=description,
        head=["Bidder", "Chance of coming first", "In words"],
        rows=rows,
        svg=svg,
    )
