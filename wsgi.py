"""Entry point for `flask --app wsgi` and `gunicorn wsgi:app`."""

from scoring import create_app

app = create_app()
