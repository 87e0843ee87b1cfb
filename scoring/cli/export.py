from __future__ import annotations

import time
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from .. import transaction
from ..extensions import db
from ..models import Procurement, Status
from ..services.errors import Refused
from ..services.export.data import export_data
from ..services.export.workbook import write_workbook


@click.command("export")
@click.argument("reference")
@click.argument("out", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option("--codes-only", is_flag=True, help="Leave bidders' legal names out (codes only).")
@with_appcontext
@transaction.command
def export_command(reference: str, out: Path, codes_only: bool):
    """Write the audit workbook of procurement REFERENCE to OUT (.xlsx)."""
    procurement = db.session.scalar(select(Procurement).where(Procurement.reference == reference))
    if procurement is None:
        raise click.ClickException(f"There is no procurement with the reference {reference}.")
    if procurement.status is Status.SETUP:
        raise click.ClickException(f"{reference} is still being set up, so it has no result yet.")
    started = time.perf_counter()
    try:
        data = export_data(procurement, codes_only=codes_only)
    except Refused as refused:
        raise click.ClickException(refused.message) from refused
    counts = write_workbook(data, out)
    click.echo(
        f"Wrote {out}: {counts.scores:,} scores, {counts.disagreements:,} disagreements, "
        f"{counts.audit:,} audit events in {time.perf_counter() - started:.1f} s"
        + (" (bidder codes only)." if codes_only else ".")
    )
