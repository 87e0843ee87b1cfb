"""The section table's rows written in Python (scoring/moderation/board_html.py) are the
markup of the macros in templates/moderation/_macros.html, for every kind of cell: no score,
a draft, a reason with markup and line breaks, disagreement, consensus, acceptance, final."""

from __future__ import annotations

import re

import pytest
from flask_login import login_user
from markupsafe import Markup

from scoring.moderation import board_html
from scoring.services import moderation, outcome

from ..helpers import accept_the_rest, gen_procurement, gen_scores, to_moderation

#: The rows as section.html wrote them with the macros, before they moved to Python.
REFERENCE = """{% from "moderation/_macros.html" import score_cell, flag, consensus_cell %}
{% set section = board.section %}
{% for row in board.rows %}
  {% set cell_name = row.bidder.label_for(current_user) ~ ", " ~ section.code %}
  <tr class="nhsuk-table__row" id="bidder-{{ row.bidder.id }}">
    <th scope="row" class="nhsuk-table__header">{{ row.bidder.label_for(current_user) }}</th>
    {% for column, score in row.scores %}<td class="nhsuk-table__cell">{{ score|reference_score_cell(column.label, cell_name) }}</td>{% endfor %}
    <td class="nhsuk-table__cell"><strong>{{ row.proposed|moderated }}</strong><br>{{ flag(row) }}</td>
    <td class="nhsuk-table__cell app-sticky-end" id="consensus-{{ row.bidder.id }}" tabindex="-1">
      {{ consensus_cell(row, cell_name, procurement.is_final) }}
      {% if can_record %}
        <a href="{{ url_for('moderation.cell', procurement_id=procurement.id, section_id=section.id, bidder_id=row.bidder.id) }}">{{ "Change" if row.consensus else "Record consensus" }}<span class="nhsuk-u-visually-hidden"> for {{ row.bidder.label_for(current_user) }}</span></a>
      {% else %}
        <a href="{{ url_for('moderation.cell', procurement_id=procurement.id, section_id=section.id, bidder_id=row.bidder.id) }}">Details<span class="nhsuk-u-visually-hidden"> for {{ row.bidder.label_for(current_user) }}</span></a>
      {% endif %}
    </td>
  </tr>
{% endfor %}"""


def reference_score_cell(score, who="", cell_name=""):
    """The score cell as the ``score_cell`` filter wrote it with Markup before board_html.py."""
    if score is None or score.value is None:
        return Markup('<span class="app-muted">No score</span>')
    html = Markup('<strong class="app-score">%s</strong>') % score.value
    if not score.is_submitted:
        html += Markup('<br><span class="nhsuk-body-s">Draft, not submitted, not counted</span>')
    if (score.rationale or "").strip():
        hidden = (
            Markup('<span class="nhsuk-u-visually-hidden"> %s gave for %s</span>') % (who, cell_name)
            if who
            else Markup("")
        )
        html += Markup(
            '<details class="nhsuk-details app-details-compact"><summary class="nhsuk-details__summary">'
            '<span class="nhsuk-details__summary-text">Reason%s</span></summary>'
            '<div class="nhsuk-details__text">%s</div></details>'
        ) % (hidden, Markup('<p class="app-pre-wrap">%s</p>') % score.rationale)
    return html


#: Whitespace a browser ignores: around table rows and cells, details, paragraphs and breaks.
_BLOCK = re.compile(r"\s*(</?(?:tr|td|th|details|summary|div|p)\b[^>]*>|<br>)\s*")


def normalised(html: str) -> str:
    return _BLOCK.sub(r"\1", re.sub(r"\s+", " ", str(html))).strip()


def both(app, procurement, viewer):
    """(reference, Python) rows of every section of ``procurement`` as ``viewer`` sees them."""
    out = []
    with app.test_request_context("/"):
        login_user(viewer)
        run = outcome.moderation(procurement)
        staff = moderation.is_staff(viewer, procurement)
        app.jinja_env.filters["reference_score_cell"] = reference_score_cell
        template = app.jinja_env.from_string(REFERENCE)
        # Printed through a template too, as section.html prints it: a rep's page redacts both.
        printed = app.jinja_env.from_string("{{ rows }}")
        for section in moderation.sections_for(viewer, procurement):
            board = moderation.board(procurement, viewer, section, run)
            for can_record in (True, False):
                reference = template.render(
                    board=board, procurement=procurement, staff=staff, can_record=can_record, current_user=viewer
                )
                rows = board_html.board_rows(board, viewer, procurement, can_record)
                out.append((normalised(reference), normalised(printed.render(rows=rows))))
    return out


@pytest.fixture
def world(app, lead, rep, panel):
    procurement = gen_procurement(lead=lead, evaluators=[rep, panel])
    # Reasons with markup and a line break; the panel member and the rep disagree on Q1 Bidder A.
    gen_scores(
        procurement,
        {
            rep: {("Bidder A", "Q1"): 4, ("Bidder B", "Q1"): 2, ("Bidder A", "Q2"): 3, ("Bidder B", "Q2"): 2},
            panel: {("Bidder A", "Q1"): 0},
        },
        rationale='Scored {value}: <b>"good"</b> & clear\nbetter than Bidder B Legal Name Ltd',
    )
    return procurement


def test_rows_match_the_macros_while_scoring_with_drafts_and_missing_scores(app, lead, rep, panel):
    procurement = gen_procurement(lead=lead, evaluators=[rep, panel])
    # The rep's scores are drafts; the panel member has scored nothing yet.
    gen_scores(procurement, {rep: {("Bidder A", "Q1"): 3, ("Bidder B", "Q1"): 1}}, submit=False)
    pairs = both(app, procurement, lead)
    assert pairs and all(reference == python for reference, python in pairs)
    html = " ".join(python for _, python in pairs)
    assert "Draft, not submitted, not counted" in html and "No score" in html


def test_rows_match_the_macros_with_consensus_and_acceptance(app, world, lead, rep):
    to_moderation(world, lead)
    a, b = world.bidders
    q1, q2 = world.sections
    moderation.record_consensus(
        actor=lead,
        procurement=world,
        bidder=a,
        section=q1,
        value=2,
        rationale="Agreed <i>after</i> talking\nat length",
        expected_version=0,
    )
    moderation.record_acceptance(
        actor=lead,
        procurement=world,
        bidder=a,
        section=q2,
        rationale="The evaluators agreed closely and it meets the criteria.",
    )
    for viewer in (lead, rep):
        pairs = both(app, world, viewer)
        assert pairs and all(reference == python for reference, python in pairs)
    # A patient rep reads the code where a reason names a bidder, in both.
    rep_html = " ".join(python for _, python in both(app, world, rep))
    assert "better than Bidder B" in rep_html and "Legal Name" not in rep_html
    html = " ".join(python for _, python in both(app, world, lead))
    for seen in ("Agreed: 2", "Accepted: 3", "Disagree", "Not agreed yet", "&lt;b&gt;&#34;good&#34;&lt;/b&gt;"):
        assert seen in html


def test_rows_match_the_macros_once_final(app, world, lead, rep):
    from scoring.services.finalise import finalise

    to_moderation(world, lead)
    a, _b = world.bidders
    moderation.record_consensus(
        actor=lead,
        procurement=world,
        bidder=a,
        section=world.sections[0],
        value=2,
        rationale="Agreed after talking",
        expected_version=0,
    )
    finalise(accept_the_rest(world, lead), actor=lead)
    for viewer in (lead, rep):
        pairs = both(app, world, viewer)
        assert pairs and all(reference == python for reference, python in pairs)


def test_the_section_page_shows_the_rows(app, client, world, lead):
    from ..helpers import sign_in

    to_moderation(world, lead)
    sign_in(client, lead)
    page = client.get(f"/procurements/{world.id}/moderation/sections/{world.sections[0].id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    with app.test_request_context("/"):
        login_user(lead)
        board = moderation.board(world, lead, world.sections[0])
        rows = str(board_html.board_rows(board, lead, world, True))
    assert rows in text
    assert (
        'Record consensus<span class="nhsuk-u-visually-hidden"> for Bidder A (Bidder A Legal Name Ltd)</span>' in text
    )
    assert 'id="consensus-%d" tabindex="-1"' % world.bidders[0].id in text
