from __future__ import annotations

import click
from flask.cli import with_appcontext

from .. import transaction
from ..services.demo import seed_demo


@click.command("seed-demo")
@click.option(
    "--region/--no-region",
    default=True,
    help="Also load the demo region's eight past, finalised procurements (the default).",
)
@with_appcontext
@transaction.command
def seed_demo_command(region: bool):
    """Load the demo procurement and users (safe to run twice) and print the logins."""
    from ..services.errors import Refused

    try:
        procurement, logins = seed_demo(region=region)
    except Refused as refused:
        raise click.ClickException(refused.message) from refused
    click.echo(f"Demo procurement {procurement.reference}: {procurement.title} ({procurement.status.label}).")
    if region:
        from ..services.demo_region import PAST

        click.echo(f"Demo region: {len(PAST)} past, finalised procurements for the patient voice review.")
    click.echo("Demo logins (all share one password):")
    width = max(len(email) for email, _, _ in logins)
    for email, password, role in logins:
        click.echo(f"  {email.ljust(width)}  {password}  {role}")
