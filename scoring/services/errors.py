"""Errors a service raises when it refuses a change. Each carries plain-English Problems.

Every refusal carries ``found``, a list of `scoring.problems.Problem` (one for a single message,
several when a form or sheet is checked all at once); the pages turn it into their error summary
through one helper. Raising a Refused means nothing was written: the request or command boundary
rolls the transaction back.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..problems import Problem, as_problems


class Refused(Exception):
    """The change was refused and nothing was written."""

    status = 400
    #: True for a refusal that is itself recorded (a failed sign-in): the boundary commits it.
    keep_changes = False
    # Set only by the refusals that carry them (read with getattr where they may be absent):
    first: Any  # check_can_submit: the first unfinished cell, so the page can link to it
    detail: str  # the outcome gateway: the engine's own words, for the command line

    def __init__(
        self,
        message: str | None = None,
        *,
        field: str | None = None,
        problems: Iterable[Problem | tuple[str, str] | str] = (),
    ):
        found = as_problems(problems)
        if message is None:
            if not found:
                raise ValueError("a refusal needs a message or at least one problem")
            message, field = found[0].message, field if field is not None else found[0].field
        super().__init__(message)
        self.message = message
        self.field = field
        self.found: list[Problem] = found or [Problem(field or "", message)]

    @classmethod
    def of(cls, problems: Iterable[Problem | tuple[str, str] | str]) -> Refused:
        """One refusal carrying every problem; its message and field are the first one's."""
        return cls(problems=problems)

    @property
    def problems(self) -> list[Problem]:
        """The same list as ``found``; Problems unpack as (field, message) pairs for older callers."""
        return self.found

    @problems.setter
    def problems(self, items: Iterable[Problem | tuple[str, str] | str]) -> None:
        self.found = as_problems(items)


class NotAllowed(Refused):
    status = 403


class StaleVersion(Refused):
    """Someone saved this record since the user loaded it; both versions are kept."""

    status = 409

    def __init__(self, message: str, *, current=None):
        super().__init__(message)
        self.current = current


class ValidationFailed(Refused):
    """Several problems at once, each message saying where it is ("Scores row 14: ...").

    ``problems`` here is the list of those messages (what the command line prints); ``found``
    holds them as Problems like every other refusal.
    """

    def __init__(self, problems: Iterable[Problem | tuple[str, str] | str]):
        found = as_problems(problems)
        super().__init__(f"{len(found)} problem(s) found", problems=found)

    @property  # type: ignore[override]  # the importer's lines, as its callers read them
    def problems(self) -> list[str]:
        return [problem.message for problem in self.found]

    @problems.setter
    def problems(self, items: Iterable[Problem | tuple[str, str] | str]) -> None:
        self.found = as_problems(items)


class ReasonWarnings(Refused):
    """A reason that may not hold up if challenged; nothing was saved. The user may revise or keep it.

    ``warnings`` is a list of (field, message) Problems; saving again with "keep" records them.
    """

    def __init__(self, warnings: Iterable[Problem | tuple[str, str]]):
        found = as_problems(warnings)
        super().__init__(problems=found)
        self.warnings = found
