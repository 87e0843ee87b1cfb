"""Jinja set-up: our templates first, then the NHS.UK frontend macros."""

from __future__ import annotations

from flask import Flask, g
from jinja2 import ChainableUndefined, ChoiceLoader, PackageLoader
from markupsafe import Markup

from . import numbers
from .models import Role, ScoredBy, ScoreSource, ScoreStatus, Status


def configure(app: Flask) -> None:
    assert app.jinja_loader is not None  # Flask's own loader for the app's templates folder
    app.jinja_loader = ChoiceLoader([app.jinja_loader, PackageLoader("nhsuk_frontend_jinja", "templates")])
    # The NHS.UK macros are a port of Nunjucks templates, which read attributes of
    # missing parameters freely; ChainableUndefined gives Jinja the same behaviour.
    app.jinja_env.undefined = ChainableUndefined
    # Flask only autoescapes .html templates; the NHS.UK macros are .jinja files and
    # print rationales and names, so escape everywhere (their "html" params are |safe).
    app.jinja_env.autoescape = True
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    from .fragments import FragmentCache, pure_part

    app.jinja_env.add_extension(FragmentCache)
    app.jinja_env.globals["pure_part"] = pure_part
    # Templates compare a stage or a role with its member, never with a string:
    # {% if procurement.status is sameas Status.SCORING %} (models.py keeps these members).
    app.jinja_env.globals.update(
        Role=Role, Status=Status, ScoredBy=ScoredBy, ScoreStatus=ScoreStatus, ScoreSource=ScoreSource
    )
    # Every printed value passes here: on pages for patient reps it hides bidders'
    # legal names and prices (scoring/anonymity.py).
    from .anonymity import finalize

    app.jinja_env.finalize = finalize

    @app.context_processor
    def inject_nonce():
        return {"cspNonce": g.get("csp_nonce", "")}

    @app.template_filter("score_text")
    def score_text(value) -> str:
        return "Not scored" if value is None else str(value)

    # Every figure on a page is written by scoring/numbers.py, as in sentences and the workbook.
    app.add_template_filter(numbers.score, "moderated")  # 3, or 2.5 for an average
    app.add_template_filter(numbers.points, "points")  # 73.3
    app.add_template_filter(lambda fraction: numbers.percent(fraction, exact=True), "percent")  # 44.4%
    app.add_template_filter(numbers.percent, "percent_whole")  # 44%
    app.add_template_filter(numbers.number, "number")  # number(2): 0.67
    app.jinja_env.globals["split_points"] = numbers.split  # parts that add up to their whole

    @app.template_filter("pre_wrap")
    def pre_wrap(text) -> Markup:
        """Text typed by someone, escaped, in a paragraph that keeps its line breaks.

        For a macro's "html" parameter: never build that with ``"<p>" ~ (text|e)``, since
        ``~`` with an escaped operand escapes the literal tags too and the page shows them.
        """
        return Markup('<p class="app-pre-wrap">%s</p>') % (text or "")

    @app.template_filter("score_cell")
    def score_cell(score, who: str = "", cell_name: str = "") -> Markup:
        """One evaluator's score in a moderation board cell (see moderation/_macros.html).

        Written in Python (scoring/moderation/board_html.py) because a section page has a cell
        per bidder and evaluator (1,800 at 60 x 30) and a Jinja macro call per cell cost most of
        a second. The Reason toggle names the evaluator and the answer.
        """
        from .moderation.board_html import score_cell as cell

        return Markup(cell(score, who, cell_name))

    configure_navigation(app)


# (label, endpoint, roles). Entries whose blueprint is not registered are left out.
NAVIGATION = [
    ("Your evaluations", "evaluate.dashboard", {Role.PATIENT, Role.PANEL}),
    ("Moderation and reports", "results.mine", {Role.PATIENT, Role.PANEL}),
    ("Procurements", "leads.index", {Role.LEAD, Role.ADMIN}),
    ("Users", "admin.users", {Role.ADMIN, Role.LEAD}),
]


def configure_navigation(app: Flask) -> None:
    from flask import request, url_for
    from flask_login import current_user

    @app.context_processor
    def inject_navigation():
        def nav_items():
            items = []
            for label, endpoint, roles in NAVIGATION:
                if endpoint in app.view_functions and current_user.role in roles:
                    items.append(
                        {
                            "text": label,
                            "href": url_for(endpoint),
                            "current": (request.endpoint or "").split(".")[0] == endpoint.split(".")[0],
                        }
                    )
            return items

        def has_endpoint(endpoint: str) -> bool:
            return endpoint in app.view_functions

        return {"nav_items": nav_items, "has_endpoint": has_endpoint}
