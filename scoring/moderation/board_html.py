"""The rows of a moderation section table, written in Python.

A section page has a cell per bidder and evaluator (300 at 20 x 15, 1,800 at 60 x 30), and
every change to the procurement (each consensus recorded in the meeting) makes the next
visit to each section render afresh. Through Jinja, with a macro call or a filter per cell,
the table took longer than everything else on the page together. This writes the same
markup as the macros in ``templates/moderation/_macros.html`` (``flag``, ``consensus_cell``;
``score_cell`` is this module's through the filter of the same name) with plain string joins; `tests/moderation/test_board_html.py` renders
both for every kind of cell and checks they give the same HTML, so the macros stay the one
description of what a cell looks like.

Everything typed by someone is escaped here. The result is printed into the template as
`Markup`, so on a patient rep's page the anonymity filter (`scoring.anonymity.finalize`)
still redacts its text, as it does every value printed.
"""

from __future__ import annotations

from flask import url_for
from markupsafe import Markup, escape

from ..numbers import score as _score_text

_NO_SCORE = '<span class="app-muted">No score</span>'
_DRAFT = '<br><span class="nhsuk-body-s">Draft, not submitted, not counted</span>'
_DETAILS = (
    '<details class="nhsuk-details app-details-compact"><summary class="nhsuk-details__summary">'
    '<span class="nhsuk-details__summary-text">{summary}</span></summary>'
    '<div class="nhsuk-details__text"><p class="app-pre-wrap">{text}</p></div></details>'
)
_HIDDEN = '<span class="nhsuk-u-visually-hidden">{}</span>'


def _e(value) -> str:
    return str(escape(value))


def _details(summary: str, text: str) -> str:
    return _DETAILS.replace("{summary}", summary).replace("{text}", text)


def score_cell(score, who: str = "", cell_name: str = "") -> str:
    """One evaluator's score in a board cell (the ``score_cell`` filter and macro). The Reason
    toggle names the evaluator and the answer, since "Reason" read out alone could be any of a dozen."""
    if score is None or score.value is None:
        return _NO_SCORE
    html = f'<strong class="app-score">{_e(score.value)}</strong>'
    if not score.is_submitted:
        html += _DRAFT
    rationale = score.rationale or ""
    if rationale.strip():
        hidden = _HIDDEN.format(f" {_e(who)} gave for {_e(cell_name)}") if who else ""
        html += _details("Reason" + hidden, _e(rationale))
    return html


def flag(row) -> str:
    """Whether the evaluators disagree, and how far apart they are (the ``flag`` macro)."""
    if row.flagged:
        return (
            f'<strong class="nhsuk-tag nhsuk-tag--red">Disagree</strong> '
            f'<span class="nhsuk-body-s">Scores {_e(_score_text(row.spread))} apart</span>'
        )
    if row.spread is not None:
        return f'<span class="nhsuk-body-s">Scores {_e(_score_text(row.spread))} apart</span>'
    return ""


def consensus_cell(row, cell_name: str, final: bool = False) -> str:
    """The agreed, accepted or final score with its reason (the ``consensus_cell`` macro)."""
    if row.consensus:
        value = _e(row.consensus.value)
        return f'<strong class="nhsuk-tag nhsuk-tag--green">Agreed: {value}</strong>' + _details(
            "Why" + _HIDDEN.format(f" the panel agreed {value} for {_e(cell_name)}"), _e(row.consensus.rationale or "")
        )
    if row.acceptance:
        value = _e(_score_text(row.acceptance.value))
        return f'<strong class="nhsuk-tag nhsuk-tag--green">Accepted: {value}</strong>' + _details(
            "Why" + _HIDDEN.format(f" the lead accepted {value} for {_e(cell_name)}"),
            _e(row.acceptance.rationale or ""),
        )
    if final:
        return (
            f'<strong class="nhsuk-tag nhsuk-tag--green">Final: {_e(_score_text(row.proposed))}</strong>'
            '<br><span class="nhsuk-body-s">Not discussed: the average of the scores</span>'
        )
    return '<strong class="nhsuk-tag nhsuk-tag--grey">Not agreed yet</strong>'


def board_rows(board, viewer, procurement, can_record: bool) -> Markup:
    """The ``<tr>`` of every bidder in ``board`` (`services.moderation.board`) as ``viewer`` sees it."""
    final = procurement.is_final
    link_text = None if can_record else "Details"
    out = []
    code = board.section.code
    for row in board.rows:
        bidder = row.bidder
        plain_label = bidder.label_for(viewer)
        label, cell_name = _e(plain_label), f"{plain_label}, {code}"
        href = _e(
            url_for("moderation.cell", procurement_id=procurement.id, section_id=board.section.id, bidder_id=bidder.id)
        )
        text = link_text or ("Change" if row.consensus else "Record consensus")
        cells = "".join(
            f'<td class="nhsuk-table__cell">{score_cell(score, column.label, cell_name)}</td>'
            for column, score in row.scores
        )
        out.append(
            f'<tr class="nhsuk-table__row" id="bidder-{bidder.id}">\n'
            f'<th scope="row" class="nhsuk-table__header">{label}</th>\n{cells}\n'
            f'<td class="nhsuk-table__cell"><strong>{_e(_score_text(row.proposed))}</strong><br>{flag(row)}</td>\n'
            f'<td class="nhsuk-table__cell app-sticky-end" id="consensus-{bidder.id}" tabindex="-1">\n'
            f"{consensus_cell(row, cell_name, final)}\n"
            f'<a href="{href}">{text}<span class="nhsuk-u-visually-hidden"> for {label}</span></a>\n'
            "</td>\n</tr>\n"
        )
    return Markup("".join(out))
