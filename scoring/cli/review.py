"""`flask --app wsgi review [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--json]`: the patient voice review.

Reads the results stored at finalising only (no engine run), for every
finalised procurement in the date range.
"""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext

from .. import numbers, transaction
from ..services import review as review_service


def _percent(x) -> str:
    return "-" if x is None else numbers.percent(x)


@click.command("review")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), help="Finalised on or after (YYYY-MM-DD).")
@click.option("--until", type=click.DateTime(formats=["%Y-%m-%d"]), help="Finalised on or before (YYYY-MM-DD).")
@click.option("--json", "as_json", is_flag=True, help="Print the review as a JSON document.")
@with_appcontext
@transaction.command
def review_command(since, until, as_json):
    """Print how the patient scores counted across finalised procurements."""
    filters = review_service.Filters(since=since.date() if since else None, until=until.date() if until else None)
    data = review_service.review(None, filters)
    if as_json:
        click.echo(json.dumps(review_service.as_json(data), indent=2, allow_nan=False))
        return
    rows = data["procurements"]
    if not rows:
        click.echo("No finalised procurement in that range.")
        return
    click.echo(
        f"{'Reference':<16} {'Patient share':>13} {'Winner':<12} {'Without':<12} "
        f"{'Changed':<7} {'Patient pts':>11} {'Margin':>7}  Decisive at"
    )
    for r in rows:
        spans = ", ".join(f"{_percent(a)}-{_percent(b)}" for a, b in r["decisive_intervals"]) or "never"
        click.echo(
            f"{r['reference']:<16} {_percent(r['patient_weight_share']):>13} "
            f"{(r['winner_code'] or '-'):<12} {(r['counterfactual_winner'] or '-'):<12} "
            f"{('yes' if r['winner_changed'] else 'no'):<7} {r['shapley_patient']:11.2f} "
            f"{r['margin']:7.2f}  {spans}"
        )
    half = data["alpha_half"]
    click.echo("")
    click.echo(
        "Patient scores decide the winner in at least half of these procurements "
        + ("at no patient weight share." if half is None else f"from a patient weight share of {_percent(half)}.")
    )
