"""Asking "are you sure?" before a step its user cannot undo, without JavaScript.

The action's own form posts without a ``confirm`` field; the route checks what it can,
then answers with the confirmation page, which posts the same fields back to the same
URL with ``confirm=yes`` (and a fresh CSRF token). Only that second post makes the change.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import render_template, request


def confirmed() -> bool:
    """True when the post came from the confirmation page."""
    return request.form.get("confirm") == "yes"


@dataclass
class Confirmation:
    title: str  # the page title and heading, a question: "Submit your scores?"
    happens: list[str]  # what will happen, one sentence each
    cannot_undo: str  # what cannot be changed afterwards, and who could change it if anyone
    button: str  # the button that does it
    back_url: str
    back_text: str
    caption: str = ""
    hidden: dict[str, str] = field(default_factory=dict)  # fields to post again unchanged
    warning: bool = False  # a red button for removing something


def confirmation_page(confirmation: Confirmation, status: int = 200):
    return render_template("confirm.html", c=confirmation, action=request.path), status


def posted_fields(*skip: str) -> dict[str, str]:
    """The fields of this post, to carry through the confirmation page (not the token)."""
    return {k: v for k, v in request.form.items() if k not in ("csrf_token", "confirm", *skip)}
