"""What the rep reads on the score pages: where they are, honest save messages, named links."""

from __future__ import annotations

import html
import re

from scoring.extensions import db
from scoring.models import Score

from .test_rep_journey import declare_none, save, score_url


def read(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def banner(page: str, words: str) -> str:
    """The notification banner holding ``words``: its opening tag says whether it is a green success."""
    for match in re.finditer(r'<div class="nhsuk-notification-banner[^"]*".*?</div>\s*</div>', page, re.S):
        if words in match.group(0):
            return match.group(0)
    raise AssertionError(f"No banner says {words!r}")


def test_each_score_page_says_where_the_rep_is(rep_client, procurement):
    declare_none(rep_client, procurement)
    (a, b), (q1, q2) = procurement.bidders, procurement.sections
    save(rep_client, procurement, a, q1, 3, "Good")
    page = read(rep_client.get(score_url(procurement, b, q2)))
    assert "Bidder B, question 2 of 2 \u2014 1 of 4 scored" in page
    page = read(rep_client.get(score_url(procurement, a, q1)))
    assert "Bidder A, question 1 of 2 \u2014 1 of 4 scored" in page


def test_save_and_next_without_a_score_says_so_instead_of_success(rep_client, procurement):
    declare_none(rep_client, procurement)
    (a, _b), (q1, q2) = procurement.bidders, procurement.sections
    response = save(rep_client, procurement, a, q1, None, "I could not decide", button="save_next")
    assert response.headers["Location"].endswith(score_url(procurement, a, q2))
    page = read(rep_client.get(response.headers["Location"]))
    message = banner(page, "Saved as a draft without a score for Bidder A, Q1.")
    assert "nhsuk-notification-banner--success" not in message and "Success" not in message
    assert "You need a score and a reason for every answer before you submit." in message
    stored = db.session.query(Score).one()
    assert stored.value is None and stored.rationale == "I could not decide"


def test_save_and_next_without_a_reason_says_so(rep_client, procurement):
    declare_none(rep_client, procurement)
    (a, _b), (q1, _q2) = procurement.bidders, procurement.sections
    response = save(rep_client, procurement, a, q1, 2, "  ", button="save_next")
    page = read(rep_client.get(response.headers["Location"]))
    assert "nhsuk-notification-banner--success" not in banner(
        page, "Saved as a draft without a reason for Bidder A, Q1."
    )


def test_a_complete_save_is_still_a_success(rep_client, procurement):
    declare_none(rep_client, procurement)
    (a, _b), (q1, _q2) = procurement.bidders, procurement.sections
    response = save(rep_client, procurement, a, q1, 2, "Clear", button="save_next")
    page = read(rep_client.get(response.headers["Location"]))
    assert "nhsuk-notification-banner--success" in banner(page, "Your score for Bidder A, Q1 is saved as a draft.")


def test_coming_back_to_a_skipped_answer_says_why(rep_client, procurement):
    declare_none(rep_client, procurement)
    (a, b), (q1, q2) = procurement.bidders, procurement.sections
    save(rep_client, procurement, a, q1, None, "", button="save_next")  # skipped
    save(rep_client, procurement, a, q2, 2, "Fine", button="save_next")
    save(rep_client, procurement, b, q1, 2, "Fine", button="save_next")
    response = save(rep_client, procurement, b, q2, 2, "Fine", button="save_next")
    assert response.headers["Location"].endswith(score_url(procurement, a, q1))
    page = read(rep_client.get(response.headers["Location"]))
    assert (
        "You are back at Bidder A, Q1 because it still has no score and no reason. "
        "Everything after it in your list is scored."
    ) in page
    assert "Bidder A, question 1 of 2 \u2014 3 of 4 scored" in page


def test_going_forward_to_the_next_answer_says_nothing_about_coming_back(rep_client, procurement):
    declare_none(rep_client, procurement)
    (a, _b), (q1, _q2) = procurement.bidders, procurement.sections
    response = save(rep_client, procurement, a, q1, 2, "Fine", button="save_next")
    assert "You are back at" not in read(rep_client.get(response.headers["Location"]))


def test_overview_links_name_the_bidder_and_the_section(rep_client, procurement):
    declare_none(rep_client, procurement)
    page = read(rep_client.get(f"/evaluate/{procurement.id}"))
    (a, b), (q1, q2) = procurement.bidders, procurement.sections
    for bidder, section in ((a, q1), (a, q2), (b, q1), (b, q2)):
        link = re.search(
            rf'<a[^>]*href="{re.escape(score_url(procurement, bidder, section))}"[^>]*>(.*?)</a>', page, re.S
        )
        assert link and " ".join(link.group(1).split()) == f"{bidder.code}: {section.code} {section.title}"


def test_early_submit_links_to_the_first_unfinished_answer(rep_client, procurement):
    declare_none(rep_client, procurement)
    (a, b), (q1, q2) = procurement.bidders, procurement.sections
    save(rep_client, procurement, a, q1, 3, "Good")
    save(rep_client, procurement, a, q2, 3, "Good")
    response = rep_client.post(f"/evaluate/{procurement.id}/submit")
    page = read(response)
    assert response.status_code == 400
    summary = page[page.index("nhsuk-error-summary") :]
    assert re.search(rf'<a href="{score_url(procurement, b, q1)}">\s*Every score needs a score and a reason', summary)
    assert all(s.status == "draft" for s in db.session.query(Score))


def test_the_guidance_reads_as_text_not_as_markup(rep_client, procurement):
    """The guidance used to show "<p class='app-pre-wrap'>…" to the rep (issue 13 item 1): the
    fragment was escaped twice. The raw page must carry real tags and no escaped ones."""
    section = procurement.sections[0]
    section.guidance = "A good answer names <who> will do it & when."
    db.session.commit()
    declare_none(rep_client, procurement)
    raw = rep_client.get(score_url(procurement, procurement.bidders[0], section)).get_data(as_text=True)
    assert "&lt;p" not in raw and "&lt;/p&gt;" not in raw
    assert '<p class="app-pre-wrap">A good answer names &lt;who&gt; will do it &amp; when.</p>' in raw
