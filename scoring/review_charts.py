"""The patient voice review's two charts, as SVG written here and placed in the page itself.

* `decisive_rate_chart`: the decisive rate D(α) (`scoring.engine.decisive`) as
  the patient weight share goes from 0 to 100%, with the line at one half, the
  smallest share where D reaches it and, on the what-if page, today's share;
* `margin_scatter`: each procurement's patient weight share against the patient
  share of its winning margin.

Why not matplotlib as in `scoring.charts`: these go inline in the page (no image
route, so the review runs no drawing and no engine), and the page's
Content-Security-Policy forbids inline styles, which matplotlib's SVG is full of.
So the SVG carries only classes, styled by ``static/css/app.css`` (``.app-svg…``),
scales to the width of a 320 px phone (``viewBox``, no fixed size), and is an
accessible image: ``role="img"``, a ``<title>`` and a ``<desc>`` named by
``aria-labelledby``; the description in sentences and the data table go beside
it. Pure: numbers in, a `charts.Chart` out; no Flask, no database.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from markupsafe import escape

from .charts import Chart, _percent

WIDTH, HEIGHT = 492, 300  # room right of the plot for half of the "100%" label under its end
LEFT, RIGHT, TOP, BOTTOM = 84, 464, 16, 236  # the tests pin these (x = 84 + 380 α)
#: The scatter's vertical axis: the patient share of the winning margin shown from -100% to 200%.
Y_RANGE = (-1.0, 2.0)


def _x(share: float) -> float:
    return round(LEFT + (RIGHT - LEFT) * min(max(share, 0.0), 1.0), 2)


def _svg(prefix: str, title: str, desc: str, body: list[str]) -> str:
    return (
        f'<svg class="app-svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" focusable="false" '
        f'aria-labelledby="{prefix}-title {prefix}-desc" id="{prefix}" '
        f'data-plot-left="{LEFT}" data-plot-right="{RIGHT}" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{prefix}-title">{escape(title)}</title><desc id="{prefix}-desc">{escape(desc)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def _axes(y_ticks: Sequence[tuple[float, str]], y_of, x_label: str, y_label: str) -> list[str]:
    out = ['<g class="app-svg__grid">']
    for i in range(6):
        x = _x(i / 5)
        out.append(f'<line x1="{x}" x2="{x}" y1="{TOP}" y2="{BOTTOM}"/>')
    for value, _ in y_ticks:
        y = y_of(value)
        out.append(f'<line x1="{LEFT}" x2="{RIGHT}" y1="{y}" y2="{y}"/>')
    out.append("</g>")
    out.append(f'<path class="app-svg__axis" d="M{LEFT} {TOP}V{BOTTOM}H{RIGHT}"/>')
    out.append('<g class="app-svg__text">')
    for i in range(6):
        out.append(f'<text x="{_x(i / 5)}" y="{BOTTOM + 20}" text-anchor="middle">{20 * i}%</text>')
    for value, label in y_ticks:
        out.append(f'<text x="{LEFT - 8}" y="{y_of(value) + 5}" text-anchor="end">{escape(label)}</text>')
    out.append(f'<text x="{(LEFT + RIGHT) / 2}" y="{HEIGHT - 14}" text-anchor="middle">{escape(x_label)}</text>')
    middle = (TOP + BOTTOM) / 2
    out.append(
        f'<text x="16" y="{middle}" text-anchor="middle" transform="rotate(-90 16 {middle})">{escape(y_label)}</text>'
    )
    out.append("</g>")
    return out


def _count(rate: float, total: int) -> int:
    return round(rate * total)


def curve_words(steps: Sequence[tuple[float, float, float]], total: int, alpha_half: float | None) -> list[str]:
    """The decisive-rate curve in a few plain sentences (for the page, the report and the chart's desc)."""
    if total == 0:
        return ["There are no finalised procurements to learn from yet."]
    of = f"of the {total} procurement{'s' if total != 1 else ''}"
    out = []
    first = steps[0]
    if first[2] == 0:
        out.append(
            f"With little weight on patient-scored sections, the patient scores would have decided "
            f"the winner in none {of}."
        )
        rising = next((s for s in steps if s[2] > 0), None)
        if rising is not None:
            out.append(
                f"From a patient weight share of {_percent(rising[0])} they would have decided it in "
                f"{_count(rising[2], total)} {of}."
            )
    else:
        out.append(
            f"Even with almost no weight on patient-scored sections, the patient scores would have "
            f"decided the winner in {_count(first[2], total)} {of}."
        )
    if alpha_half is None:
        out.append(f"At no patient weight share would they have decided the winner in half or more {of}.")
    else:
        out.append(
            f"From a patient weight share of {_percent(alpha_half)}, they would have decided the winner "
            f"in at least half {of}."
        )
    best = max(steps, key=lambda s: s[2])
    if best[2] > 0:
        out.append(f"The most: {_count(best[2], total)} {of}, between {_percent(best[0])} and {_percent(best[1])}.")
    return out


def decisive_rate_chart(
    steps: Sequence[tuple[float, float, float]],
    table: Sequence[tuple[float, float]],
    *,
    total: int,
    alpha_half: float | None,
    today: float | None = None,
    prefix: str = "decisive-rate",
    names: Sequence[Sequence[str]] | None = None,
) -> Chart:
    """D(α) as a step line over 0–100% patient weight share.

    Parameters
    ----------
    steps : (start, end, rate) from `decisive.rate_steps`, covering [0, 1]
    table : (α, rate) at α = 0, 0.05, …, 1 for the data table
    total : how many procurements the rate is a share of
    alpha_half : the smallest α with D(α) ≥ ½, or None
    today : a share to mark ("This procurement"), or None
    prefix : the SVG's id and the start of its parts' ids (unique in the page)
    names : for each row of ``table``, the references decided there (a fourth column), or None
    """

    def y(rate: float) -> float:
        return round(BOTTOM - (BOTTOM - TOP) * rate, 2)

    title = "How often the patient scores would have decided the winner, at each patient weight share"
    words = curve_words(steps, total, alpha_half)
    body = _axes(
        [(0.25 * i, f"{25 * i}%") for i in range(5)], y, "Patient weight share", "Share of procurements decided"
    )
    body.append(f'<line class="app-svg__half" x1="{LEFT}" x2="{RIGHT}" y1="{y(0.5)}" y2="{y(0.5)}"/>')
    body.append(
        f'<text class="app-svg__text app-svg__note" x="{RIGHT - 4}" y="{y(0.5) - 6}" text-anchor="end">Half</text>'
    )
    d = []
    for k, (start, end, rate) in enumerate(steps):
        d.append(f"M{_x(start)} {y(rate)}" if k == 0 else f"V{y(rate)}")
        d.append(f"H{_x(end)}")
    body.append(f'<path class="app-svg__curve" d="{"".join(d)}"/>')
    if alpha_half is not None:
        x = _x(alpha_half)
        body.append(f'<line class="app-svg__marker" x1="{x}" x2="{x}" y1="{TOP}" y2="{BOTTOM}"/>')
    if today is not None:
        x = _x(today)
        anchor = "end" if today > 0.6 else "start"
        shift = -4 if today > 0.6 else 4
        body.append(
            f'<g class="app-svg__today" id="{prefix}-today">'
            f'<line x1="{x}" x2="{x}" y1="{TOP}" y2="{BOTTOM}"/>'
            f'<text class="app-svg__text" x="{x + shift}" y="{TOP + 14}" text-anchor="{anchor}">'
            f"This procurement: {_percent(today)}</text></g>"
        )
    desc = " ".join(words) + " The same figures are in the table beside the chart."
    rows = [[_percent(alpha), _percent(rate), f"{_count(rate, total)} of {total}"] for alpha, rate in table]
    head = ["Patient weight share", "Decisive rate", "Procurements decided"]
    if names is not None:
        rows = [row + [", ".join(which) or "none"] for row, which in zip(rows, names)]
        head.append("Which")
    return Chart(
        name=prefix, title=title, alt=desc, description=words, head=head, rows=rows, svg=_svg(prefix, title, desc, body)
    )


def margin_scatter(points: Sequence[tuple[str, float, float | None]], *, prefix: str = "margin-scatter") -> Chart:
    """One dot per procurement: patient weight share (across) against the patient share of its
    winning margin (up). The dashed diagonal is where the two are equal.

    ``points``: (reference, weight share, margin share or None when there was no margin).
    """
    shown = [(ref, x, y) for ref, x, y in points if y is not None]
    # A near-tie makes the margin tiny and its patient share huge (80 times the margin, say):
    # the axis stops at Y_RANGE and such a dot sits on its edge; the table has its value.
    beyond = sum(1 for _, _, y in shown if not Y_RANGE[0] <= y <= Y_RANGE[1])
    low = min([0.0, *(max(y, Y_RANGE[0]) for _, _, y in shown)])
    high = max([1.0, *(min(y, Y_RANGE[1]) for _, _, y in shown)])
    low, high = 0.25 * math.floor(low / 0.25), 0.25 * math.ceil(high / 0.25)
    span = (high - low) or 1.0

    def y_of(value: float) -> float:
        return round(BOTTOM - (BOTTOM - TOP) * (value - low) / span, 2)

    ticks = []
    value = low
    step = 0.25 if span <= 1.5 else 0.5
    while value <= high + 1e-9:
        ticks.append((value, f"{round(100 * value)}%"))
        value += step
    title = "Each procurement's patient weight share and the patient share of its winning margin"
    body = _axes(ticks, y_of, "Patient weight share", "Patient share of the margin")
    body.append(f'<line class="app-svg__diagonal" x1="{_x(0)}" y1="{y_of(0.0)}" x2="{_x(1)}" y2="{y_of(1.0)}"/>')
    body.append('<g class="app-svg__points">')
    for ref, x, y in shown:
        body.append(
            f'<circle cx="{_x(x)}" cy="{y_of(min(max(y, Y_RANGE[0]), Y_RANGE[1]))}" r="5"><title>{escape(ref)}: {_percent(x)} of the '
            f"weight, {_percent(y)} of the margin</title></circle>"
        )
    body.append("</g>")
    words = []
    if not shown:
        words.append("No procurement had a winning margin to share out.")
    else:
        above = sum(1 for _, x, y in shown if y > x + 1e-9)
        words.append(
            f"{len(shown)} procurement{'s' if len(shown) != 1 else ''}. In {above} of them the patient "
            "scores made up a larger share of the winning margin than the weight they were given "
            "(above the dashed line); in the others a smaller or equal share."
        )
        top = max(shown, key=lambda p: p[2])
        words.append(
            f"The largest patient share of a margin: {_percent(top[2])} in {top[0]}, with "
            f"{_percent(top[1])} of the weight."
        )
    if beyond:
        words.append(
            f"{beyond} with a patient share below {_percent(Y_RANGE[0])} or above {_percent(Y_RANGE[1])} "
            "(a very close result, so a tiny margin) are drawn at the edge of the chart."
        )
    if len(shown) < len(points):
        words.append(f"{len(points) - len(shown)} with no single winner or no margin are not shown.")
    desc = " ".join(words) + " The same figures are in the table beside the chart."
    rows = [[ref, _percent(x), "–" if y is None else _percent(y)] for ref, x, y in points]
    return Chart(
        name=prefix,
        title=title,
        alt=desc,
        description=words,
        head=["Reference", "Patient weight share", "Patient share of the winning margin"],
        rows=rows,
        svg=_svg(prefix, title, desc, body),
    )
