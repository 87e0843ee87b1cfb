"""Errors a service raises when it refuses a change. Each carries a plain-English message."""
from __future__ import annotations


class Refused(Exception):
    """The change was refused and nothing was written."""

    status = 400

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(Refused):
    status = 403


class StaleVersion(Refused):
    """Someone saved this record since the user loaded it; both versions are kept."""

    status = 409

    def __init__(self, message: str, *, current=None):
        super().__init__(message)
        self.current = current


class ValidationFailed(Refused):
    """Several problems at once, each with where it is ("Scores row 14: ...")."""

    def __init__(self, problems: list[str]):
        super().__init__(f"{len(problems)} problem(s) found")
        self.problems = problems
