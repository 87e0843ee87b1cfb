"""Small helpers shared by the Flask-WTF forms of every blueprint."""
from __future__ import annotations

from flask_wtf import FlaskForm


def error_summary(form: FlaskForm | None = None, extra: list[tuple[str, str]] | None = None) -> list[dict]:
    """Turn form errors into the NHS.UK error summary's list, each linking to its field."""
    items: list[dict] = []
    if form is not None:
        for field in form:
            for message in field.errors:
                items.append({"text": message, "href": f"#{field.id}"})
    for field_id, message in extra or []:
        items.append({"text": message, "href": f"#{field_id}" if field_id else ""})
    return items
