"""Every page a patient rep can open speaks their language: none of the engine's terms.

The pages are found by following links from the rep's home page, as the rep would, in each
state of a procurement (scoring open, moderation, final), so a new page is checked without
anyone listing it. The easy-read PDF is read back too.
"""

from __future__ import annotations

import html
import re
from collections import deque

import pytest

from scoring.moderation.rep_report import BANNED_TERMS

from ..helpers import accept_the_rest, gen_procurement, gen_scores
from ..pdfs import pages
from .conftest import client_for, post_consensus, text_of

BANNED = re.compile(r"(?<![\w-])(" + "|".join(re.escape(t) for t in BANNED_TERMS) + r")(?![\w-])", re.I)
SKIP = re.compile(r"^/(static|assets)/|\.(svg|xlsx|csv|txt)$|/logout")


def words_of(page: str) -> str:
    """What a person reads: the text and the alt, title and aria-label attributes, without scripts."""
    page = re.sub(r"<script\b.*?</script>", " ", page, flags=re.S)
    attributes = " ".join(html.unescape(v) for v in re.findall(r'\b(?:alt|title|aria-label)="([^"]*)"', page))
    return text_of(page) + " " + attributes


def crawl(client, start: str = "/", limit: int = 150) -> dict[str, str]:
    """url -> the words of every page reachable by links from ``start`` (GET only)."""
    seen: dict[str, str] = {}
    queue = deque([start])
    while queue and len(seen) < limit:
        url = queue.popleft()
        if url in seen:
            continue
        response = client.get(url, follow_redirects=True)
        seen[url] = ""
        if response.status_code != 200:
            continue
        if response.mimetype == "application/pdf":
            seen[url] = " ".join(pages(response.data))
            continue
        if response.mimetype != "text/html":
            continue
        body = response.get_data(as_text=True)
        seen[url] = words_of(body)
        for href in re.findall(r'href="(/[^"#]*)', body):
            href = html.unescape(href)
            if not SKIP.search(href) and href not in seen:
                queue.append(href)
    return seen


def banned_on(found: dict[str, str]) -> list[str]:
    return [
        f"{url}: {m.group(0)!r} in …{words[max(0, m.start() - 60) : m.end() + 60]}…"
        for url, words in found.items()
        for m in BANNED.finditer(words)
    ]


@pytest.fixture
def scoring_open(app, lead, rep, panel):
    p = gen_procurement(lead=lead, reference="GP-OPEN-01", evaluators=[rep, panel])
    gen_scores(p, {rep: {("Bidder A", "Q1"): 3}}, submit=False)
    return p


def test_no_engine_term_on_any_page_a_rep_opens_while_scoring(app, scoring_open, rep):
    found = crawl(client_for(app, rep))
    assert any("/score" in url or "/evaluations" in url or "/conflicts" in url for url in found), list(found)
    assert not banned_on(found), banned_on(found)


def test_no_engine_term_on_any_page_a_rep_opens_in_moderation_and_once_final(app, in_moderation, lead, rep):
    p = in_moderation
    post_consensus(client_for(app, lead), p, p.sections[0], p.bidders[0], 2, "Strong on phones.")
    during = crawl(client_for(app, rep))
    assert any("/moderation/sections/" in url for url in during), list(during)
    assert not banned_on(during), banned_on(during)
    accept_the_rest(p, lead)
    assert client_for(app, lead).post(f"/procurements/{p.id}/moderation/finalise").status_code == 302
    final = crawl(client_for(app, rep))
    for page in (
        f"/procurements/{p.id}/reports/{rep.id}",
        f"/procurements/{p.id}/reports/{rep.id}/easy-read",
        f"/procurements/{p.id}/reports/{rep.id}/easy-read.pdf",
    ):
        assert final.get(page), f"{page} was not reached by following the rep's links: {list(final)}"
    assert not banned_on(final), banned_on(final)


def test_the_banned_list_catches_the_engine_terms_the_old_report_used():
    old = (
        "Sharing that lead out fairly between the two groups (a Shapley split), about 2.6 points. "
        "If the patient-scored sections had been worth more than 63% (the tipping point)…"
    )
    assert {m.group(0).lower() for m in BANNED.finditer(old)} == {"shapley", "tipping point"}
    assert not BANNED.search("The panel met to agree one score. Alphabetical order.")


def test_after_finalising_the_reps_moderation_view_shows_final_scores_not_not_agreed_yet(app, in_moderation, lead, rep):
    p = in_moderation
    post_consensus(client_for(app, lead), p, p.sections[0], p.bidders[0], 2, "Strong on phones.")
    client = client_for(app, rep)
    section = f"/procurements/{p.id}/moderation/sections/{p.sections[0].id}"
    assert "Not agreed yet" in client.get(section).get_data(as_text=True)  # Q1 B before finalising
    accept_the_rest(p, lead)
    assert client_for(app, lead).post(f"/procurements/{p.id}/moderation/finalise").status_code == 302
    page = text_of(client.get(section).get_data(as_text=True))
    assert "Not agreed yet" not in page
    # Q1 B: no consensus; its final score is the average of 2, 2, 3, 3.
    # Finalising now needs a reason for every score (issue 15): the undiscussed answer was accepted with one.
    assert "Accepted: 2.5 Why" in page
    assert "Agreed: 2" in page
    assert "The result is final. The panel discussed 1 of 2 answers" in page
    overview = text_of(client.get(f"/procurements/{p.id}/moderation").get_data(as_text=True))
    assert "Every answer has its final score. The panel discussed 1 of 4" in overview
    assert "to discuss" not in overview
    cell = text_of(client.get(f"{section}/bidders/{p.bidders[1].id}").get_data(as_text=True))
    assert (
        "The panel did not discuss this answer, so its final score is the average of the evaluators' scores: 2.5."
        in cell
    )
