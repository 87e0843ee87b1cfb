"""`flask standstill`, `flask award-record` and `flask assessment-summaries`."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from .. import transaction
from ..extensions import db
from ..law import PA23, PSR, standstill
from ..models import Procurement
from ..services.errors import Refused


@click.command("standstill")
@click.option(
    "--regime",
    type=click.Choice([PSR, PA23]),
    required=True,
    help="psr: the Provider Selection Regime; pa23: the Procurement Act 2023.",
)
@click.option("--published", required=True, help="The day the notice was published, YYYY-MM-DD.")
@click.option("--json", "as_json", is_flag=True, help='Print {"regime", "published", "last_day"}.')
def standstill_command(regime: str, published: str, as_json: bool):
    """Print the last day of the standstill (YYYY-MM-DD) for a notice published on --published."""
    try:
        day = date.fromisoformat(published)
    except ValueError:
        raise click.BadParameter(f"{published!r} is not a date like 2027-03-01.", param_hint="--published") from None
    period = standstill.standstill(regime, day)
    click.echo(json.dumps(period.to_dict()) if as_json else period.last_day.isoformat())


def _procurement(reference: str) -> Procurement:
    procurement = db.session.scalar(select(Procurement).where(Procurement.reference == reference))
    if procurement is None:
        raise click.ClickException(f"There is no procurement with the reference {reference}.")
    return procurement


@click.command("award-record")
@click.argument("reference")
@click.argument("out", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@with_appcontext
@transaction.command
def award_record_command(reference: str, out: Path):
    """Write the award record of final procurement REFERENCE to OUT (.docx)."""
    from ..services import award_record

    try:
        award_record.write(_procurement(reference), out)
    except Refused as refused:
        raise click.ClickException(refused.message) from refused
    click.echo(f"Wrote {out}.")


@click.command("assessment-summaries")
@click.argument("reference")
@click.argument("outdir", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
@transaction.command
def assessment_summaries_command(reference: str, outdir: Path):
    """Write each bidder's assessment summary (.docx) and a zip of them all into OUTDIR."""
    from ..services import assessment_docs

    try:
        written = assessment_docs.write_all(_procurement(reference), outdir)
    except Refused as refused:
        raise click.ClickException(refused.message) from refused
    for path in written:
        click.echo(f"Wrote {path}.")
