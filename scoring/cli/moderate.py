"""`flask --app wsgi moderate REFERENCE [--json]`: print a procurement's result.

Runs the engine on the procurement's counted scores as they are now (see
`scoring.services.engine_adapter`), with the procurement's own combination
method and disagreement threshold. Without ``--json``: a table of the ranking
and the patient influence, then the plain-English summary. With ``--json``:
the engine's JSON document (`scoring.engine.report`), plus ``status``.
"""
from __future__ import annotations

import json

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from ..engine import analyse
from ..engine.report import to_text
from ..extensions import db
from ..models import Procurement
from ..services.engine_adapter import load_inputs


@click.command("moderate")
@click.argument("reference")
@click.option("--json", "as_json", is_flag=True, help="Print the result as a JSON document.")
@click.option("--draws", type=click.IntRange(min=0), default=10_000, show_default=True,
              help="Monte-Carlo weight draws for each bidder's chance of ranking first (0: skip).")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the draws.")
@with_appcontext
def moderate_command(reference, as_json, draws, seed):
    """Print the moderated result of procurement REFERENCE and the patient scores' influence."""
    procurement = db.session.scalar(select(Procurement).where(Procurement.reference == reference))
    if procurement is None:
        raise click.ClickException(f"There is no procurement with the reference {reference}.")
    try:
        inputs, _meta = load_inputs(db.session, procurement)
        analysis = analyse(inputs, combine=procurement.combine_method or "mean",
                           disagreement=procurement.disagreement_threshold, draws=draws,
                           seed=seed)
    except ValueError as problem:
        raise click.ClickException(
            f"{reference} cannot be analysed as it stands: {problem}.") from problem
    if as_json:
        document = analysis.to_dict(reference=procurement.reference)
        document["status"] = procurement.status
        click.echo(json.dumps(document, indent=2, allow_nan=False))
        return
    click.echo(f"{procurement.reference}: {procurement.title} "
               f"({procurement.status_enum.label.lower()})")
    click.echo(to_text(analysis))
