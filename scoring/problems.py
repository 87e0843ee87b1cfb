"""One shape for every problem a page, the importer or a service reports: ``Problem(field, message)``.

``field`` is the form field (and element id) the message belongs to, so the error summary can link
to it and the field can show it; ``""`` means the page or the row as a whole (the importer's
messages say where they are themselves: "Scores row 14: ..."). Checks return a list of Problems;
`scoring.services.errors.Refused` carries the list (``refused.found``) when a change is refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    field: str
    message: str

    def __iter__(self) -> Iterator[str]:
        # ``field, message = problem`` keeps working where code still unpacks (field, message) pairs.
        yield self.field
        yield self.message

    def __str__(self) -> str:
        return self.message

    def at(self, where: str) -> Problem:
        """The same problem with its place in front of the message ("Sections row 3: ...")."""
        return Problem(self.field, f"{where}: {self.message}")


def as_problems(items: Iterable[Problem | tuple[str, str] | str]) -> list[Problem]:
    """Problems from what older code produces: Problems, (field, message) pairs or bare messages."""
    found = []
    for item in items:
        if isinstance(item, Problem):
            found.append(item)
        elif isinstance(item, str):
            found.append(Problem("", item))
        else:
            field, message = item
            found.append(Problem(field or "", message))
    return found
