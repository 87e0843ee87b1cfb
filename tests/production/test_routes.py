"""Every URL of the app, requested as every kind of user, answers exactly as this table says.

A route that is not in EXPECTED fails test_every_route_is_in_the_table: decide who
may use it, add its row, and the test then checks that the route enforces it.

How each request is made: the ids come from tests/production/world.py (a
procurement at the stage the blueprint works on: scoring, moderation or final);
GET for routes that have it, otherwise an empty POST (refused roles must get
their refusal, allowed roles a 400 for the missing form, so nothing changes);
for GET-and-POST routes, every role refused the GET is also refused the POST.
CSRF is off here (test_security.py covers it), so the status shows the access rule.
"""

from __future__ import annotations

import re

import pytest
from flask import url_for

from ..helpers import sign_in
from .world import MARKUP, ROLES, build_world

SIGNED_IN = ROLES[1:]


def row(default: int = 403, **codes: int) -> dict[str, int]:
    """Expected status per role: ``default`` for every signed-in role not named, 302 to sign-in when signed out."""
    return {"anonymous": 302, **{role: default for role in SIGNED_IN}, **codes}


PUBLIC = {role: 200 for role in ROLES}
SIGNED_IN_ANYONE = row(default=200)
ADMIN_ONLY = row(admin=200)
ANY_LEAD = row(lead=200, other_lead=200, admin=200)
LEAD_OF_THIS = row(lead=200, admin=200)  # the procurement's own lead, and administrators
LEAD_OF_THIS_POST = row(lead=400, admin=400)  # POST-only: an empty form is refused as incomplete
ASSIGNED_EVALUATORS = row(rep=200, rep_conflicted=200, panel=200)
NOT_CONFLICTED_EVALUATORS = row(rep=200, panel=200)  # the cell's bidder is the one rep_conflicted declared
EVALUATOR_ROLES = row(rep=200, rep_unassigned=200, rep_conflicted=200, panel=200)

# endpoint -> expected status per role. Keep it sorted; one line per route.
EXPECTED: dict[str, dict[str, int]] = {
    "admin.invite_user": ADMIN_ONLY,
    "admin.manage_user": ADMIN_ONLY,
    "admin.new_user": ADMIN_ONLY,
    "admin.record_training": LEAD_OF_THIS,  # an admin, or a lead of a procurement the rep is on (issue 12)
    "admin.set_password": ADMIN_ONLY,
    "admin.users": ANY_LEAD,
    "assets.icon": PUBLIC,
    "assets.nhsuk_asset": PUBLIC,
    "auth.accept_invitation": {role: 410 for role in ROLES},
    "auth.account": SIGNED_IN_ANYONE,  # "Your account": their own communication needs
    "auth.change_password": SIGNED_IN_ANYONE,  # the table's token is not a real link
    "auth.forgotten_password": PUBLIC,
    "auth.home": row(default=302),  # sends each user to their own start page
    "auth.login": {**row(default=302), "anonymous": 200},  # signed-in users are sent home
    "auth.logout": {role: 302 for role in ROLES},
    "auth.new_invitation": PUBLIC,  # the same answer whatever the token, so it reveals nothing
    "auth.reset_password": {role: 410 for role in ROLES},
    "award.assessment_summaries_zip": LEAD_OF_THIS,
    "award.assessment_summary_docx": LEAD_OF_THIS,
    "award.award_record_docx": LEAD_OF_THIS,
    "award.law": LEAD_OF_THIS,
    "award.law_decision": LEAD_OF_THIS_POST,
    "award.law_key_criteria": LEAD_OF_THIS_POST,
    "award.law_notice": LEAD_OF_THIS_POST,
    "award.law_regime": LEAD_OF_THIS_POST,
    "award.law_representations": LEAD_OF_THIS_POST,
    "award.notice_text": LEAD_OF_THIS,  # GET and POST: the notice of intention to award (PSR)
    "documents.download": row(rep=200, panel=200, lead=200, admin=200),  # not rep_conflicted: Bidder A's file
    "evaluate.conflicts": ASSIGNED_EVALUATORS,
    "evaluate.dashboard": EVALUATOR_ROLES,
    "evaluate.overview": ASSIGNED_EVALUATORS,
    "evaluate.score": NOT_CONFLICTED_EVALUATORS,
    "evaluate.submit": row(rep=400, rep_conflicted=400, panel=400),
    "exports.scores_csv": LEAD_OF_THIS,
    "exports.workbook": LEAD_OF_THIS,
    "leads.assignments": LEAD_OF_THIS,
    "leads.audit": LEAD_OF_THIS,
    "leads.bidders": LEAD_OF_THIS,
    "leads.close_scoring": LEAD_OF_THIS_POST,
    "leads.conflicts": LEAD_OF_THIS,
    "leads.deadlines_page": LEAD_OF_THIS,
    "leads.delete_document": LEAD_OF_THIS_POST,
    "leads.delete_section": LEAD_OF_THIS,
    "leads.edit": LEAD_OF_THIS,
    "leads.edit_bidder": LEAD_OF_THIS,
    "leads.edit_section": LEAD_OF_THIS,
    "leads.index": ANY_LEAD,
    "leads.invite_evaluator": LEAD_OF_THIS,
    "leads.invite_new_people": LEAD_OF_THIS,
    "leads.letter_pdf": LEAD_OF_THIS,
    "leads.letter_posted": LEAD_OF_THIS_POST,
    "leads.messages": LEAD_OF_THIS,
    "leads.new": ANY_LEAD,
    "leads.new_bidder": LEAD_OF_THIS,
    "leads.new_section": LEAD_OF_THIS,
    "leads.open_scoring": LEAD_OF_THIS_POST,
    "leads.overview": LEAD_OF_THIS,
    "leads.paper": LEAD_OF_THIS,
    "leads.paper_declarations": LEAD_OF_THIS_POST,
    "leads.paper_entry": LEAD_OF_THIS,
    "leads.paper_sheets": LEAD_OF_THIS,
    "leads.paper_sheets_pdf": LEAD_OF_THIS,
    "leads.prices": LEAD_OF_THIS_POST,
    "leads.progress": LEAD_OF_THIS,
    "leads.reopen": LEAD_OF_THIS,
    "leads.response": LEAD_OF_THIS,
    "leads.responses": LEAD_OF_THIS,
    "leads.return_to_scoring": LEAD_OF_THIS_POST,
    "leads.scale": LEAD_OF_THIS,
    "leads.sections": LEAD_OF_THIS,
    "leads.weights": LEAD_OF_THIS,
    "leads.withdraw_conflict": LEAD_OF_THIS,
    "moderation.accept_section": LEAD_OF_THIS,
    "moderation.agenda": LEAD_OF_THIS,
    "moderation.agenda_text": LEAD_OF_THIS,
    "moderation.cell": row(rep=200, panel=200, lead=200, admin=200),  # Bidder A: not rep_conflicted
    "moderation.finalise": LEAD_OF_THIS,
    "moderation.history": LEAD_OF_THIS,
    "moderation.overview": row(rep=200, rep_conflicted=200, panel=200, lead=200, admin=200),
    "moderation.section": row(rep=200, rep_conflicted=200, panel=200, lead=200, admin=200),
    "planning.apply_scenario": LEAD_OF_THIS,
    "planning.import_procurement": ANY_LEAD,
    "planning.import_template_file": ANY_LEAD,
    "planning.save_scenario": LEAD_OF_THIS_POST,
    "planning.whatif_json": LEAD_OF_THIS_POST,
    "planning.whatif_page": LEAD_OF_THIS,
    "results.chart": LEAD_OF_THIS,
    "results.mine": EVALUATOR_ROLES,
    "results.report": row(rep=200, lead=200, admin=200),  # the rep it is about, and the lead
    "results.report_easy_read": row(rep=200, lead=200, admin=200),
    "results.report_easy_read_pdf": row(rep=200, lead=200, admin=200),
    "results.reports_index": LEAD_OF_THIS,
    "results.show": LEAD_OF_THIS,
    "results.summaries": LEAD_OF_THIS,
    "results.summary": LEAD_OF_THIS,
    "results.summary_text": LEAD_OF_THIS,
    "review.csv_file": row(reviewer=200, lead=200, other_lead=200, admin=200),
    "review.index": row(reviewer=200, lead=200, other_lead=200, admin=200),  # leads see their own
    "review.report": row(reviewer=200, lead=200, other_lead=200, admin=200),
    "review.report_docx": row(reviewer=200, lead=200, other_lead=200, admin=200),
    "review.report_easy_read": row(reviewer=200, lead=200, other_lead=200, admin=200),
    "review.workbook": row(reviewer=200, lead=200, other_lead=200, admin=200),
    "static": PUBLIC,
}

# Which procurement of the world a blueprint's URLs are filled in from.
STAGE_OF_BLUEPRINT = {"moderation": "moderation", "results": "final", "exports": "final", "award": "final"}
OTHER_ARGUMENTS = {"name": "totals-by-section", "token": "not-a-real-link"}
FILES = {"static": "css/app.css", "assets.nhsuk_asset": "component.js", "assets.icon": "trophy.svg"}


def url_for_rule(world, rule, **override) -> str:
    ids = {
        **world.ids[STAGE_OF_BLUEPRINT.get(rule.endpoint.split(".")[0], "scoring")],
        **OTHER_ARGUMENTS,
        "filename": FILES.get(rule.endpoint, "x"),
        **override,
    }
    missing = [a for a in rule.arguments if a not in ids]
    assert not missing, f"{rule.endpoint}: add a value for {missing} to world.ids or OTHER_ARGUMENTS"
    return url_for(rule.endpoint, **{a: ids[a] for a in rule.arguments})


def request_as(app, browser, method: str, url: str):
    # A fresh app context per request, as in a real server: nothing cached in g leaks between users.
    with app.app_context():
        response = browser.open(url, method=method)
        response.get_data()
        response.close()
    return response


@pytest.fixture
def world(app):
    return build_world()


@pytest.fixture
def browsers(app, world):
    browsers = {}
    for role in ROLES:
        browser = app.test_client()
        if role != "anonymous":
            with app.app_context():
                assert sign_in(browser, world.emails[role]).status_code == 302, role
        browsers[role] = browser
    return browsers


def rules_of(app):
    return sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint, r.rule))


def check_page(endpoint: str, role: str, response, problems: list[str]) -> None:
    """Headers on every response; on every page shown, no unescaped markup and nothing the CSP would block."""
    where = f"{endpoint} as {role}"
    csp = response.headers.get("Content-Security-Policy", "")
    directives = dict((d.strip().split(" ", 1) + [""])[:2] for d in csp.split(";") if d.strip())
    scripts = directives.get("script-src", directives.get("default-src"))
    framing_allowed = response.mimetype == "text/html" and directives.get("frame-ancestors") != "'none'"
    if scripts is None or "unsafe-inline" in scripts or "*" in scripts or framing_allowed:
        problems.append(f"{where}: Content-Security-Policy is {csp!r}")
    if response.headers.get("X-Content-Type-Options") != "nosniff":
        problems.append(f"{where}: no X-Content-Type-Options: nosniff")
    if response.status_code != 200:
        return
    kind = response.mimetype
    if kind not in ("text/html", "image/svg+xml"):
        return
    body = response.get_data(as_text=True)
    if MARKUP in body:
        problems.append(f"{where}: shows {MARKUP} unescaped")
    if kind != "text/html":
        return
    nonce = re.search(r"'nonce-([^']+)'", csp)
    for tag in re.findall(r"<script\b[^>]*>", body):
        if "src=" not in tag and not (nonce and f'nonce="{nonce.group(1)}"' in tag):
            problems.append(f"{where}: inline script without the CSP nonce: {tag}")
    for attribute in re.findall(r"\s(style|on[a-z]+)=[\"']", body):
        problems.append(f"{where}: inline {attribute}= attribute, which the CSP blocks")
        break


def test_every_route_is_in_the_table(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = sorted(endpoints - set(EXPECTED))
    assert not missing, (
        "These routes have no row in EXPECTED in tests/production/test_routes.py: "
        f"{', '.join(missing)}. Add one per route saying which status each kind of user gets "
        "(anonymous, rep, rep_unassigned, rep_conflicted, panel, lead, other_lead, admin, reviewer), "
        "so the test can check the route's access rules."
    )
    gone = sorted(set(EXPECTED) - endpoints)
    assert not gone, f"EXPECTED has rows for routes that no longer exist: {', '.join(gone)}. Remove them."


def test_every_route_answers_each_kind_of_user_as_expected(app, world, browsers):
    wrong: list[str] = []
    page_problems: list[str] = []
    rules = [r for r in rules_of(app) if r.endpoint in EXPECTED]
    # GET routes first; POST-only ones after, signing out last of all.
    ordered = (
        [r for r in rules if "GET" in r.methods]
        + [r for r in rules if "GET" not in r.methods and r.endpoint != "auth.logout"]
        + [r for r in rules if r.endpoint == "auth.logout"]
    )
    with app.test_request_context():
        urls = {id(rule): url_for_rule(world, rule) for rule in ordered}
    for rule in ordered:
        method = "GET" if "GET" in rule.methods else "POST"
        for role in ROLES:
            expected = EXPECTED[rule.endpoint][role]
            response = request_as(app, browsers[role], method, urls[id(rule)])
            got = response.status_code
            if got != expected:
                wrong.append(f"{method} {urls[id(rule)]} ({rule.endpoint}) as {role}: expected {expected}, got {got}")
            elif got == 302 and role == "anonymous" and "/sign-in" not in response.headers["Location"]:
                wrong.append(f"{rule.endpoint} as anonymous: sent to {response.headers['Location']}, not sign-in")
            check_page(rule.endpoint, role, response, page_problems)
            refused = expected in (403, 404) or (role == "anonymous" and expected == 302)
            if method == "GET" and "POST" in rule.methods and refused:
                posted = request_as(app, browsers[role], "POST", urls[id(rule)]).status_code
                if posted != expected:
                    wrong.append(
                        f"POST {urls[id(rule)]} ({rule.endpoint}) as {role}: the GET is refused "
                        f"with {expected} but the POST gave {posted}"
                    )
    assert not wrong, "Routes that do not answer as EXPECTED says:\n" + "\n".join(wrong)
    assert not page_problems, "\n".join(page_problems)


def test_unknown_ids_are_not_found(app, world, browsers):
    """Every id in every URL, replaced by one that does not exist, gives 404 to a user allowed the real one."""
    wrong = []
    for rule in rules_of(app):
        if rule.endpoint not in EXPECTED or "GET" not in rule.methods:
            continue
        allowed = [role for role in ROLES if EXPECTED[rule.endpoint][role] == 200]
        int_arguments = [a for a in rule.arguments if a.endswith("_id")]
        if not allowed or not int_arguments:
            continue
        for argument in int_arguments:
            with app.test_request_context():
                url = url_for_rule(world, rule, **{argument: 987654})
            got = request_as(app, browsers[allowed[-1]], "GET", url).status_code
            if got != 404:
                wrong.append(f"GET {url} ({rule.endpoint}, unknown {argument}) as {allowed[-1]}: got {got}")
    assert not wrong, "\n".join(wrong)
