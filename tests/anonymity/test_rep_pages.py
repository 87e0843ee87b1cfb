"""Every page a patient rep can reach in an anonymised procurement hides bidders' names and prices.

The world below names the bidders in every way issue 12 lists, in every text a
rep can come across: evaluators' reasons, consensus reasons, bidders' answers,
section questions and guidance, the procurement's title, conflict details. The
rep's pages are found from ``app.url_map`` (every GET rule, filled with every
id of the world) and by following every link from the rep's start page; each
page that answers 200 is searched, after normalising (case, accents,
apostrophes, spaces), for any legal name or price.
"""

from __future__ import annotations

import html
import itertools
import re
from urllib.parse import urlsplit

import pytest
from flask import url_for

from scoring.extensions import db
from scoring.models import Role
from scoring.redaction import PRICE_PLACEHOLDER, normalise
from scoring.services import documents, evaluation, finalise, moderation, pricing, setup

from ..helpers import gen_user, sign_in

BIDDERS = [  # code, legal name, price
    ("Bidder A", "Café Médecins Ltd", "98765.43"),
    ("Bidder B", "St John’s Care LLP", "120000"),
    ("Bidder C", "SECRETNAME Yew plc", "87654"),
    ("Bidder D", "The Xylo Limited", "101234.50"),
]

#: Every way the texts below write a name or a price, one of each per text.
MENTIONS = [
    "CAFE MEDECINS Limited",
    "café  médecins\nltd.",
    "Cafe\u0301 Me\u0301decins",
    "The Café Médecins Ltd",
    "St John's Care",
    "ST JOHN’S\n CARE L.L.P.",
    "st johns care llp",
    "SECRETNAME Yew PLC",
    "secretname  yew",
    "SecretName Yew Limited",
    "Xylo Ltd",
    "the xylo",
    "XYLO limited",
    "Xylo's",
    "98765.43",
    "98,765.43",
    "£98,765",
    "£98.8k",
    "98.77k",
    "£99k",
    "120,000",
    "£120k",
    "£0.12m",
    "87654",
    "£87,654",
    "87.7k",
    "£101,234.50",
    "101.2k",
]

#: What must never appear, as normalised text (apostrophes dropped), at a word boundary.
FORBIDDEN = [
    "cafe medecins",
    "medecins",
    "st johns care",
    "st john s care",
    "secretname",
    "yew",
    "xylo",
    "98765",
    "98,765",
    "98.8k",
    "98.77k",
    "99k",
    "120,000",
    "120000",
    "120k",
    "0.12m",
    "87654",
    "87,654",
    "87.7k",
    "101234",
    "101,234",
    "101.2k",
]
_FORBIDDEN = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(f) for f in FORBIDDEN) + r")(?![\w-])")


def leaks(body: str) -> list[str]:
    text = normalise(html.unescape(body)).replace("'", "")
    return sorted(set(_FORBIDDEN.findall(text)))


def all_mentions(prefix: str) -> str:
    return prefix + " " + "; ".join(MENTIONS)


def build(anonymised=True, stages=("scoring", "moderation", "final")):
    lead = gen_user(Role.LEAD, "Lee Lead")
    rep = gen_user(Role.PATIENT, "Pat Patel")
    rep2 = gen_user(Role.PATIENT, "Robin Rep")
    panel = gen_user(Role.PANEL, "Morgan Panel")
    evaluators = [rep, rep2, panel]
    made = {}
    for stage in stages:
        p = setup.create_procurement(
            reference=f"GP-ANON-{stage.upper()}",
            title="Re-procurement of the Café Médecins Ltd practice",
            lead=lead,
            actor=lead,
            anonymised=anonymised,
        )
        sections = [
            setup.add_section(
                p,
                code="Q1",
                title="Working with St John’s Care",
                weight=40,
                scored_by="both",
                key_criterion="quality",
                question=all_mentions("How will you work with"),
                guidance=all_mentions("Compare"),
                actor=lead,
            ),
            setup.add_section(
                p,
                code="Q2",
                title="Access",
                weight=30,
                scored_by="patient",
                key_criterion="access",
                question="How will patients get appointments?",
                actor=lead,
            ),
            setup.add_section(
                p, code="P", title="Price", weight=30, scored_by="price", key_criterion="value", actor=lead
            ),
        ]
        bidders = [setup.add_bidder(p, code=code, name=name, actor=lead) for code, name, _ in BIDDERS]
        pricing.set_prices(p, {b.id: price for b, (_, _, price) in zip(bidders, BIDDERS)}, actor=lead)
        for b in bidders:
            for s in sections[:2]:
                documents.save_response(
                    b,
                    s,
                    text=all_mentions(f"{b.code} answers {s.code}:"),
                    actor=lead,
                    upload=(f"{b.name} plan.pdf", PDF),
                )
        for s in sections[:2]:
            for user in evaluators:
                if s.scored_by in (user.group, "both"):
                    setup.assign_evaluator(s, user, actor=lead)
        setup.open_scoring(p, actor=lead)
        db.session.commit()
        for user in evaluators:
            conflicts = {
                b.id: (
                    user is rep2 and b.code == "Bidder D",
                    all_mentions("My son works at") if user is rep2 and b.code == "Bidder D" else "",
                )
                for b in bidders
            }
            evaluation.declare_conflicts(user, p, conflicts)
            for cell in evaluation.cells_for(user, p):
                evaluation.save_score(
                    evaluator=user,
                    procurement=p,
                    bidder=cell.bidder,
                    section=cell.section,
                    value=2 if user is panel else 3,
                    rationale=all_mentions(f"{user.name} on {cell.bidder.code}:"),
                    expected_version=0,
                )
            if stage != "scoring":
                evaluation.submit_scores(user, p)
        if stage != "scoring":
            setup.close_scoring(p, actor=lead)
            for b in bidders:
                for s in sections[:2]:
                    moderation.record_consensus(
                        actor=lead,
                        procurement=p,
                        bidder=b,
                        section=s,
                        value=3,
                        rationale=all_mentions("Agreed:"),
                        expected_version=0,
                    )
        if stage == "final":
            finalise.finalise(p, actor=lead)
        db.session.commit()
        made[stage] = p
    return made, {"lead": lead, "rep": rep, "rep2": rep2, "panel": panel}


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def documents_of(procurement) -> list[int]:
    from scoring.models import Bidder, Document, Response

    return list(
        db.session.scalars(
            db.select(Document.id).join(Response).join(Bidder).where(Bidder.procurement_id == procurement.id)
        )
    ) or [0]


GET_ARGS = ("procurement_id", "bidder_id", "section_id", "user_id", "document_id", "name")


def rule_urls(app, procurements, rep) -> set[str]:
    """Every GET URL of the app, filled in with every id in the world."""
    urls = set()
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in ("static", "assets.nhsuk_asset", "auth.logout"):
            continue
        if not set(rule.arguments) <= set(GET_ARGS):
            continue
        for p in procurements.values():
            choices = {
                "procurement_id": [p.id],
                "bidder_id": [b.id for b in p.bidders],
                "section_id": [s.id for s in p.sections],
                "user_id": [rep.id],
                "document_id": documents_of(p),
                "name": ["totals-by-section"],
            }
            args = sorted(rule.arguments)
            for values in itertools.product(*(choices[a] for a in args)):
                urls.add(url_for(rule.endpoint, **dict(zip(args, values))))
    return urls


def crawl(client, start: set[str]) -> dict[str, str]:
    """GET every URL in ``start`` and every same-site link on the pages found; {url: body} of HTML pages."""
    seen, pages, queue = set(), {}, sorted(start)
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        disposition = response.headers.get("Content-Disposition", "")
        if disposition:
            pages[url + " (file name)"] = disposition
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        body = response.get_data(as_text=True)
        pages[url] = body
        for href in re.findall(r'href="([^"]+)"', body):
            parts = urlsplit(html.unescape(href))
            if parts.netloc or not parts.path.startswith("/") or parts.path.startswith(("/static", "/assets")):
                continue
            if parts.path == "/sign-out":
                continue
            link = parts.path + (f"?{parts.query}" if parts.query else "")
            if link not in seen:
                queue.append(link)
    return pages


@pytest.fixture
def world(app):
    return build()


def test_no_page_a_rep_can_reach_names_a_bidder_or_a_price(app, world):
    procurements, users = world
    found = {}
    for who in ("rep", "rep2"):
        client = app.test_client()
        assert sign_in(client, users[who]).status_code == 302
        with app.test_request_context():
            # rep2 (conflicted with Bidder D, with its own texts) follows links only, to keep the test short.
            start = (
                rule_urls(app, procurements, users[who])
                if who == "rep"
                else {url_for("evaluate.conflicts", procurement_id=p.id) for p in procurements.values()}
            ) | {"/"}
        found[who] = crawl(client, start)
    problems = [
        f"{who} {url}: {leaks(body)}" for who, pages in found.items() for url, body in pages.items() if leaks(body)
    ]
    assert not problems, "pages show a legal name or price to a patient rep:\n" + "\n".join(problems)

    # The crawl reached every kind of page a rep reads, and the texts are there with codes.
    pages = found["rep"]
    endpoints = set()
    for url in pages:
        with app.test_request_context(url):
            from flask import request

            endpoints.add(request.url_rule.endpoint if request.url_rule else url)
    for needed in (
        "evaluate.dashboard",
        "evaluate.overview",
        "evaluate.conflicts",
        "evaluate.score",
        "moderation.overview",
        "moderation.section",
        "moderation.cell",
        "results.mine",
        "results.report",
        "results.report_easy_read",
    ):
        assert needed in endpoints, f"the crawl never reached {needed}"
    final = procurements["final"]
    moderated = procurements["moderation"]
    q1 = moderated.sections[0]
    section_page = pages[f"/procurements/{moderated.id}/moderation/sections/{q1.id}"]
    assert "Bidder C; Bidder C; Bidder C" in html.unescape(section_page)  # the panel's reason, names as codes
    assert PRICE_PLACEHOLDER in html.unescape(section_page)
    report = pages[f"/procurements/{final.id}/reports/{users['rep'].id}"]
    assert "Agreed: Bidder A; Bidder A.; Bidder A; Bidder A; Bidder B" in html.unescape(report)
    conflicts = found["rep2"][f"/evaluate/{moderated.id}/conflicts"]
    assert "My son works at Bidder A" in html.unescape(conflicts)


def test_pages_a_lead_prints_or_reads_for_a_rep_hide_names_too(app, world):
    procurements, users = world
    client = app.test_client()
    assert sign_in(client, users["lead"]).status_code == 302
    final, scoring = procurements["final"], procurements["scoring"]
    rep = users["rep"]
    for url in (
        f"/procurements/{scoring.id}/paper/{rep.id}/sheets",
        f"/procurements/{final.id}/reports/{rep.id}",
        f"/procurements/{final.id}/reports/{rep.id}/easy-read",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert leaks(response.get_data(as_text=True)) == [], url
    # Staff's own pages still show what was typed.
    q1 = final.sections[0]
    page = html.unescape(client.get(f"/procurements/{final.id}/moderation/sections/{q1.id}").get_data(as_text=True))
    assert "SECRETNAME Yew PLC" in page and "Café Médecins Ltd" in page


def test_a_procurement_that_is_not_anonymised_shows_reps_the_names(app):
    procurements, users = build(anonymised=False, stages=("moderation",))
    client = app.test_client()
    sign_in(client, users["rep"])
    p = procurements["moderation"]
    page = html.unescape(
        client.get(f"/procurements/{p.id}/moderation/sections/{p.sections[0].id}").get_data(as_text=True)
    )
    assert "SECRETNAME Yew PLC" in page
