"""The Excel template a lead fills in to import a whole procurement.

The sheets and columns are the ones `scoring.services.importer` reads; both
modules take them from `SHEETS` so the template and the importer never drift
apart. Example rows show the format; the instructions sheet explains each
column in plain English; drop-down lists guard the columns with a fixed set of
answers (``scored_by``, ``group``, ``anonymised``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

SCORED_BY_CHOICES = ("patient", "panel", "both", "price")
GROUP_CHOICES = ("patient", "panel")
YES_NO = ("yes", "no")
KEY_CRITERION_CHOICES = ("quality", "value", "integration", "access", "social_value")  # PSR reg 5
REGIME_CHOICES = ("psr", "pa23")


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    help: str
    choices: tuple[str, ...] = ()
    width: int = 18


@dataclass(frozen=True)
class SheetSpec:
    name: str
    required: bool
    help: str
    columns: tuple[Column, ...]


SHEETS: tuple[SheetSpec, ...] = (
    SheetSpec(
        "Procurement",
        True,
        "One row per field: the procurement's reference, title, whether bidder names are "
        "hidden from patient representatives, the law it runs under and the service type.",
        (
            Column("field", True, "reference, title, anonymised, regime or service_type."),
            Column(
                "value",
                True,
                "The reference must not be used by another procurement. "
                "anonymised is yes (the default) or no. regime is psr (the Provider Selection "
                "Regime, the default, for health care services) or pa23 (the Procurement Act "
                "2023). service_type is optional text, for example GP practice (APMS).",
                width=50,
            ),
        ),
    ),
    SheetSpec(
        "Sections",
        True,
        "One row per section (question) of the evaluation. The weights must add up to 100.",
        (
            Column("code", True, "A short unique code, for example Q1.", width=10),
            Column("title", True, "The section's title.", width=36),
            Column("weight", True, "Percent of the total marks, for example 20.", width=10),
            Column("max_score", True, "The highest score, for example 4 (scores run from 0).", width=11),
            Column(
                "scored_by",
                True,
                "patient, panel or both; price for a section scored from the bidders' prices.",
                SCORED_BY_CHOICES,
                width=11,
            ),
            Column("threshold", False, "Optional minimum score a bidder needs to pass.", width=11),
            Column("question", False, "Optional: the question the bidders answered.", width=50),
            Column("guidance", False, "Optional: what a good answer looks like.", width=50),
            Column(
                "key_criterion",
                False,
                "Under the Provider Selection Regime (regulation 5), "
                "the key criterion the section serves: quality, value, integration, access or "
                "social_value. Needed for every section before scoring opens.",
                KEY_CRITERION_CHOICES,
                width=14,
            ),
        ),
    ),
    SheetSpec(
        "Bidders",
        True,
        "One row per bidder. Patient representatives see only the code on an anonymised procurement.",
        (
            Column("code", True, "A short unique code, for example Bidder A.", width=14),
            Column("name", True, "The bidder's legal name.", width=40),
            Column("price", False, "Optional: the bidder's price, needed when a section is scored by price.", width=14),
        ),
    ),
    SheetSpec(
        "Evaluators",
        True,
        "One row per evaluator. Each is asked to score every section their group scores. "
        "People without an account get one without a password; an administrator sets it up.",
        (
            Column("email", True, "Their email address. Existing accounts are matched by email.", width=32),
            Column("name", True, "Their full name.", width=24),
            Column("group", True, "patient (a patient representative) or panel.", GROUP_CHOICES, width=10),
            Column(
                "training_completed",
                False,
                "For a new patient representative: the date they completed training "
                "(for example 2026-03-27). Needed before they can be asked to score.",
                width=20,
            ),
        ),
    ),
    SheetSpec(
        "Scores",
        False,
        "Optional: scores already given, for example transcribed from paper score sheets. "
        "One row per evaluator, bidder and section. Leave the sheet out, or empty, if there "
        "are none.",
        (
            Column(
                "evaluator",
                True,
                "The evaluator's email, as in the Evaluators sheet. "
                "(A column evaluator_email is used instead when there is one.)",
                width=32,
            ),
            Column("bidder", True, "The bidder's code.", width=14),
            Column("section", True, "The section's code.", width=10),
            Column("score", True, "A whole number from 0 to the section's max_score.", width=8),
            Column("rationale", True, "The evaluator's reason for the score.", width=60),
        ),
    ),
    SheetSpec(
        "Consensus",
        False,
        "Optional: consensus scores agreed at moderation. One row per bidder and section.",
        (
            Column("bidder", True, "The bidder's code.", width=14),
            Column("section", True, "The section's code.", width=10),
            Column("score", True, "A whole number from 0 to the section's max_score.", width=8),
            Column("rationale", True, "Why the panel agreed this score.", width=60),
        ),
    ),
)

SHEETS_BY_NAME = {sheet.name.casefold(): sheet for sheet in SHEETS}

EXAMPLE_ROWS: dict[str, list[tuple]] = {
    "Procurement": [
        ("reference", "GP-2027-02"),
        ("title", "Northgate Surgery GP services"),
        ("anonymised", "yes"),
        ("regime", "psr"),
        ("service_type", "GP practice (APMS)"),
    ],
    "Sections": [
        (
            "Q1",
            "Access to appointments",
            30,
            4,
            "both",
            None,
            "How will patients get an appointment when they need one?",
            "Opening hours, phones, online booking and help for people who are not online.",
            "access",
        ),
        (
            "Q2",
            "Patient experience",
            30,
            4,
            "patient",
            None,
            "How will you listen to patients and act on what they say?",
            "",
            "quality",
        ),
        (
            "Q3",
            "Clinical quality and safety",
            40,
            4,
            "panel",
            1,
            "How will you deliver safe, high-quality care?",
            "",
            "quality",
        ),
    ],
    "Bidders": [("Bidder A", "Riverside Health Partnership LLP", None), ("Bidder B", "Meadow Primary Care Ltd", None)],
    "Evaluators": [
        ("rep.one@example.org", "Robin Rep", "patient", date(2026, 3, 27)),
        ("panel.one@example.org", "Dr Pat Panel", "panel", None),
    ],
    "Scores": [("rep.one@example.org", "Bidder A", "Q1", 3, "A full answer: evening clinics and a call-back service.")],
    "Consensus": [],
}

INSTRUCTIONS = (
    "How to fill in this workbook",
    "",
    "1. Replace the example rows on each sheet with your own. Keep the first row of each sheet "
    "(the column names) as it is.",
    "2. Sheets Procurement, Sections, Bidders and Evaluators are needed. Scores and Consensus are "
    "optional: leave them empty if there are no scores yet.",
    "3. Column names can be in any case and in any order. Columns the import does not know are "
    "ignored, so you can keep your own notes in extra columns.",
    "4. The section weights must add up to 100.",
    "5. The import is all or nothing. If anything is wrong, nothing is saved and you get a list of "
    "every problem with its sheet and row number, so you can fix them all at once.",
    "6. Without scores, the procurement is created in set-up, so you can add the bidders' answers "
    "before opening scoring. With scores, scoring opens straight away; with consensus scores, the "
    "procurement goes to moderation.",
    "7. An evaluator who has scores in the Scores sheet needs a score for every bidder and every "
    "section their group scores to have them submitted; otherwise their scores are saved as drafts.",
    "",
    "What each column means",
)

_HEADER_FILL = PatternFill("solid", fgColor="005EB8")
_HEADER_FONT = Font(bold=True, color="FFFFFF")


def build_template(*, examples: bool = True) -> Workbook:
    """The template workbook: an instructions sheet, then one sheet per `SHEETS` entry."""
    workbook = Workbook()
    guide = workbook.active
    guide.title = "Instructions"
    guide.column_dimensions["A"].width = 18
    guide.column_dimensions["B"].width = 22
    guide.column_dimensions["C"].width = 100
    for line in INSTRUCTIONS:
        guide.append([line])
    guide["A1"].font = Font(bold=True, size=14)
    guide.cell(row=guide.max_row, column=1).font = Font(bold=True)
    guide.append(["sheet", "column", "meaning"])
    for cell in guide[guide.max_row]:
        cell.font = Font(bold=True)
    for sheet in SHEETS:
        guide.append([sheet.name, "", ("Needed. " if sheet.required else "Optional. ") + sheet.help])
        for column in sheet.columns:
            guide.append(["", column.name, ("Needed. " if column.required else "Optional. ") + column.help])
    for row in guide.iter_rows(min_row=1):
        row[-1].alignment = Alignment(wrap_text=True, vertical="top")

    for sheet in SHEETS:
        ws = workbook.create_sheet(sheet.name)
        ws.append([column.name for column in sheet.columns])
        for index, column in enumerate(sheet.columns, start=1):
            cell = ws.cell(row=1, column=index)
            cell.fill, cell.font = _HEADER_FILL, _HEADER_FONT
            ws.column_dimensions[get_column_letter(index)].width = column.width
            if column.choices:
                letter = get_column_letter(index)
                validation = DataValidation(
                    type="list",
                    formula1='"' + ",".join(column.choices) + '"',
                    allow_blank=True,
                    showErrorMessage=True,
                    errorTitle=f"{column.name} not recognised",
                    error=f"Choose one of: {', '.join(column.choices)}.",
                )
                validation.add(f"{letter}2:{letter}1000")
                ws.add_data_validation(validation)
        if sheet.name == "Procurement":
            validation = DataValidation(type="list", formula1='"' + ",".join(YES_NO) + '"', allow_blank=True)
            validation.add("B4")
            ws.add_data_validation(validation)
        ws.freeze_panes = "A2"
        if examples:
            for row in EXAMPLE_ROWS.get(sheet.name, []):
                ws.append(list(row))
            for row in ws.iter_rows(min_row=2):
                for cell in row:
                    if isinstance(cell.value, date):
                        cell.number_format = "yyyy-mm-dd"
    return workbook


def template_bytes(*, examples: bool = True) -> bytes:
    buffer = BytesIO()
    build_template(examples=examples).save(buffer)
    return buffer.getvalue()
