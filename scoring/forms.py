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


from datetime import date, datetime  # noqa: E402

from wtforms import DateField  # noqa: E402

#: The format every date field asks for, shows and takes (the hint says so).
DATE_HINT = "For example, 27/03/2026"
DATE_FORMATS = ("%d/%m/%Y", "%d %m %Y", "%d-%m-%Y", "%d.%m.%Y", "%d %B %Y", "%d %b %Y", "%Y-%m-%d")


def parse_date(text: str) -> date | None:
    """27/03/2026 (as the hint shows), and the other ways people type a UK date; None if none fits."""
    cleaned = " ".join((text or "").replace(",", " ").split())
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(cleaned, pattern).date()
        except ValueError:
            continue
    return None


def show_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


class UKDateField(DateField):
    """A date typed as day/month/year and shown back the same way, as ``DATE_HINT`` says."""

    def __init__(
        self, label=None, validators=None, message="Enter the date as day/month/year, for example 27/03/2026", **kwargs
    ):
        super().__init__(label, validators, format="%d/%m/%Y", **kwargs)
        self.message = message

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        return show_date(self.data)

    def process_formdata(self, valuelist):
        if not valuelist or not " ".join(valuelist).strip():
            self.data = None
            return
        self.data = parse_date(" ".join(valuelist))
        if self.data is None:
            raise ValueError(self.message)
