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


class ReasonWarnings(Refused):
    """A reason that may not hold up if challenged; nothing was saved. The user may revise or keep it.

    ``warnings`` is a list of (field, message); saving again with "keep" records them.
    """

    def __init__(self, warnings: list[tuple[str, str]]):
        super().__init__(warnings[0][1], field=warnings[0][0])
        self.warnings = warnings
        self.problems = warnings
