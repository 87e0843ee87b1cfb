"""`flask --app wsgi import-procurement FILE.xlsx`: the web import, from the command line."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from .. import transaction
from ..models import Role
from ..services import accounts, importer
from ..services.errors import ValidationFailed


@click.command("import-procurement")
@click.argument("workbook", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--lead",
    "lead_email",
    required=True,
    help="Email of the procurement lead (or administrator) doing the import; they become its lead.",
)
@click.option("--open-scoring", is_flag=True, help="Open scoring straight away even when the workbook has no scores.")
@with_appcontext
@transaction.command
def import_procurement_command(workbook: Path, lead_email: str, open_scoring: bool):
    """Create a procurement from an Excel workbook (see the template on the import page).

    All or nothing: every problem is listed with its sheet and row, and nothing is saved.
    """
    lead = accounts.find_by_email(lead_email)
    if lead is None or lead.role not in (Role.LEAD, Role.ADMIN):
        raise click.ClickException(f"{lead_email} is not a procurement lead or administrator.")
    try:
        result = importer.import_procurement(workbook, actor=lead, open_scoring=open_scoring)
    except ValidationFailed as failed:
        click.echo(
            f"{workbook.name} was not imported. {len(failed.problems)} "
            f"{'problem' if len(failed.problems) == 1 else 'problems'}:",
            err=True,
        )
        for problem in failed.problems:
            click.echo(f"  {problem}", err=True)
        raise SystemExit(1)
    click.echo(result.summary)
