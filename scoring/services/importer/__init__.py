"""Import a whole procurement from one Excel workbook, all or nothing.

The workbook's sheets and columns are described in
`scoring.services.import_template.SHEETS`. The import is three steps, one module each:

1. **Read** (`read.read`): the file is opened within the size limits in Config (checked
   before any cell is read) and each known sheet becomes rows with the row number Excel
   shows. Missing sheets and missing or doubled columns are problems.
2. **Check** (`check.check`): every row is checked, sections and bidders through
   `scoring.rules` like the set-up forms, and *every* problem is collected with its sheet and
   row ("Scores row 14: score 7 is above the maximum 4 for section Q3"). Nothing is written.
   Any problem raises `ValidationFailed` with the whole list.
3. **Write** (`write.write`): the checked plan is written in one transaction through the same
   set-up services the web screens use, so the same rules and audit events apply.

Decisions (also in the README):

* The importing user becomes the procurement's lead.
* Evaluators are matched to existing accounts by email; an existing account
  must have the role of its group. People without an account get one without a
  password (an administrator sets it up later).
* A *new* patient representative needs a ``training_completed`` date, because
  untrained representatives cannot be asked to score. An existing
  representative's training is never changed by an import: if they have no
  training date, an administrator records it first.
* Each evaluator is assigned every section their group scores.
* Where the procurement lands: with consensus scores, in moderation; with
  scores (or when the lead asks to open scoring), in scoring, and then the
  workbook must pass the same readiness checks as opening scoring by hand;
  otherwise in set-up, so the bidders' answers can be added first.
* Imported scores are marked ``source = "import"`` and ``entered_by`` the
  importing user, and each has its own audit event. An evaluator's scores are
  submitted when they cover every bidder and section their group scores;
  otherwise they are kept as drafts so the rest can be added.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from ...models import User
from ..errors import ValidationFailed
from . import check, read, write
from .check import ImportPlan
from .read import NOT_A_WORKBOOK, OLD_EXCEL, UNREADABLE, limits_text, size_text
from .write import ImportResult

__all__ = [
    "ImportPlan",
    "ImportResult",
    "NOT_A_WORKBOOK",
    "OLD_EXCEL",
    "UNREADABLE",
    "ValidationFailed",
    "import_procurement",
    "limits_text",
    "read_plan",
    "size_text",
]


def read_plan(source: bytes | BinaryIO | str | Path, *, open_scoring: bool = False) -> ImportPlan:
    """Read and check the workbook. Raises `ValidationFailed` listing every problem."""
    return check.check(read.read(source), open_scoring=open_scoring)


def import_procurement(
    source: bytes | BinaryIO | str | Path, *, actor: User, open_scoring: bool = False
) -> ImportResult:
    """Create a procurement from a workbook, all or nothing, with the importer as its lead.

    Raises `ValidationFailed` (nothing written) when the workbook has any problem.
    """
    return write.write(read_plan(source, open_scoring=open_scoring), actor=actor, open_scoring=open_scoring)
