from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..services.demo import seed_demo


@click.command("seed-demo")
@with_appcontext
def seed_demo_command():
    """Load the demo procurement and users (safe to run twice) and print the logins."""
    from ..services.errors import Refused

    try:
        procurement, logins = seed_demo()
    except Refused as refused:
        raise click.ClickException(refused.message) from refused
    click.echo(f"Demo procurement {procurement.reference}: {procurement.title} ({procurement.status_enum.label}).")
    click.echo("Demo logins (all share one password):")
    width = max(len(email) for email, _, _ in logins)
    for email, password, role in logins:
        click.echo(f"  {email.ljust(width)}  {password}  {role}")
