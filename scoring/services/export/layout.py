"""Where things are: the cells one sheet's formulas reference in another.

Computed once from the document, before any sheet is written (a write-only
sheet cannot be revisited), so the Summary can point at totals the Moderated
sheet has not written yet.
"""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl.utils import get_column_letter

WEIGHTS = "Weights"
MODERATED = "Moderated"

#: Weights sheet: header in row 1, one section a row from row 2.
WEIGHTS_FIRST_ROW = 2
WEIGHT_COL, MAX_COL, PASS_COL = 3, 4, 6

#: Moderated sheet: rows of weights, maxima and pass marks above the table.
MOD_WEIGHT_ROW, MOD_MAX_ROW, MOD_PASS_ROW, MOD_NOTE_ROW, MOD_HEADER_ROW = 1, 2, 3, 4, 5
MOD_FIRST_ROW = 6


@dataclass(frozen=True)
class Layout:
    n_sections: int
    n_bidders: int
    names: bool  # a legal-name column after the code

    # -- Weights
    def weight_row(self, s: int) -> int:
        return WEIGHTS_FIRST_ROW + s

    @property
    def weights_last_row(self) -> int:
        return WEIGHTS_FIRST_ROW + self.n_sections - 1

    # -- Moderated
    @property
    def first_section_col(self) -> int:
        return 3 if self.names else 2

    @property
    def last_section_col(self) -> int:
        return self.first_section_col + self.n_sections - 1

    @property
    def total_col(self) -> int:
        return self.last_section_col + 1

    @property
    def rank_col(self) -> int:
        return self.total_col + 1

    @property
    def fails_col(self) -> int:
        return self.total_col + 2

    def bidder_row(self, b: int) -> int:
        return MOD_FIRST_ROW + b

    @property
    def last_bidder_row(self) -> int:
        return MOD_FIRST_ROW + self.n_bidders - 1

    def moderated_cell(self, col: int, b: int, *, absolute: bool = True) -> str:
        letter = get_column_letter(col)
        row = self.bidder_row(b)
        ref = f"${letter}${row}" if absolute else f"{letter}{row}"
        return f"{MODERATED}!{ref}"

    def moderated_column(self, col: int) -> str:
        """The bidder rows of one Moderated column, e.g. ``$J$6:$J$8``."""
        letter = get_column_letter(col)
        return f"${letter}${MOD_FIRST_ROW}:${letter}${self.last_bidder_row}"

    def moderated_range(self, col: int) -> str:
        """The same, with the sheet: ``Moderated!$J$6:$J$8``."""
        return f"{MODERATED}!{self.moderated_column(col)}"
