"""Friendly error pages. Each says what happened and what to do next, in plain English."""

from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError

MESSAGES = {
    400: ("Something was wrong with that request", "The page sent something we could not use. Go back and try again."),
    403: (
        "You cannot see this page",
        "Your account does not have access to this page. If you think it should, contact your procurement lead.",
    ),
    404: ("Page not found", "Check the address, or go back to your start page."),
    405: ("That action is not available here", "Go back and use the buttons on the page."),
    409: (
        "This was changed by someone else",
        "Someone saved a change after you opened the page. Reload it to see the latest version.",
    ),
    413: ("The file is too large", "Choose a smaller file and try again."),
}


def forbidden_message() -> str:
    """Who can actually give access: a procurement lead asks evaluators to score; an administrator does the rest."""
    from flask_login import current_user

    from .models import Role

    if current_user.is_authenticated and current_user.role in (Role.LEAD, Role.ADMIN):
        return (
            "Your account does not have access to this page. Each procurement is open only to its own lead "
            "and to administrators. If you think you should have access, ask an administrator."
        )
    return (
        "Your account does not have access to this page. If you think it should, ask the procurement lead "
        "who asked you to score: only they can add you to a procurement."
    )


def configure(app: Flask) -> None:
    def render(code: int, detail: str | None = None):
        title, message = MESSAGES.get(code, ("Sorry, there is a problem with the service", "Try again later."))
        if code == 403 and detail is None:
            message = forbidden_message()
        return render_template("errors/error.html", code=code, title=title, message=detail or message), code

    for code in MESSAGES:
        app.register_error_handler(code, lambda exc, code=code: render(code))

    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        return render(
            400,
            "The form had expired or was not sent from this site, so nothing was saved. "
            "Go back, reload the page and try again.",
        )

    @app.errorhandler(500)
    def server_error(exc):
        return render(500)
