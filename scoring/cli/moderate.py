"""`flask --app wsgi moderate REFERENCE [--json]`: print a procurement's result.

Asks the outcome gateway (`scoring.services.outcome`): a live run of the engine
on the procurement's counted scores as they are now, with its own combination
method and disagreement threshold, or, once final, the result stored then (no
engine run). Without ``--json``: a table of the ranking
and the patient influence, then the plain-English summary. With ``--json``:
the engine's JSON document (`scoring.engine.report`), plus ``status``.
"""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from .. import numbers, transaction
from ..engine.report import to_text
from ..extensions import db
from ..models import Procurement
from ..services import outcome
from ..services.errors import Refused


@click.command("moderate")
@click.argument("reference")
@click.option("--json", "as_json", is_flag=True, help="Print the result as a JSON document.")
@click.option(
    "--draws",
    type=click.IntRange(min=0),
    default=10_000,
    show_default=True,
    help="Monte-Carlo weight draws for each bidder's chance of ranking first (0: skip).",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the draws.")
@with_appcontext
@transaction.command
def moderate_command(reference, as_json, draws, seed):
    """Print the moderated result of procurement REFERENCE and the patient scores' influence."""
    procurement = db.session.scalar(select(Procurement).where(Procurement.reference == reference))
    if procurement is None:
        raise click.ClickException(f"There is no procurement with the reference {reference}.")
    try:
        result = outcome.outcome(procurement, draws=draws, seed=seed)
    except Refused as problem:
        raise click.ClickException(
            f"{reference} cannot be analysed as it stands: {getattr(problem, 'detail', problem.message)}."
        ) from problem
    if as_json:
        document = {k: v for k, v in result.document.items() if k != "view"}
        document["status"] = procurement.status
        click.echo(json.dumps(document, indent=2, allow_nan=False))
        return
    click.echo(f"{procurement.reference}: {procurement.title} ({procurement.status.label.lower()})")
    click.echo(to_text(result.analysis) if result.analysis is not None else _stored_text(result.document))


def _stored_text(document: dict) -> str:
    """The ranking and summary of a stored (final) document, without running the engine."""
    rows = sorted(document["bidders"], key=lambda row: row["rank"])
    width = max([len("Bidder")] + [len(row["code"]) for row in rows])
    chances = document.get("sensitivity") or {}
    lines = [f"{'Rank':>4}  {'Bidder':<{width}}  {'Total':>6}  {'From patients':>13}  {'Chance of 1st':>13}"]
    lines.append("-" * len(lines[0]))
    for row in rows:
        chance = f"{numbers.number(100 * chances[row['code']])}%" if row["code"] in chances else ""
        lines.append(
            f"{row['rank']:>4}  {row['code']:<{width}}  {row['total']:6.2f}  "
            f"{row['patient_contribution']:13.2f}  {chance:>13}" + ("  fails a threshold" if row["failing"] else "")
        )
    lines += [
        "",
        f"Winner: {document.get('winner') or '(none)'} (final result, engine {document.get('engine_version')})",
        "",
        *document.get("summary", []),
    ]
    return "\n".join(lines)
