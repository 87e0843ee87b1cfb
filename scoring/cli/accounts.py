from __future__ import annotations

import click
from flask.cli import with_appcontext

from .. import transaction
from ..models import Role
from ..services import accounts
from ..services.errors import Refused


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="At least 12 characters. Prompted for if not given.",
)
@click.option(
    "--trained-on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Date a patient representative completed training (YYYY-MM-DD).",
)
@with_appcontext
@transaction.command
def create_user_command(email, name, role, password, trained_on):
    """Create a user account."""
    try:
        user = accounts.create_user(
            email=email,
            name=name,
            role=role,
            password=password,
            training_completed_on=trained_on.date() if trained_on else None,
        )
    except Refused as refused:
        raise click.ClickException(refused.message) from refused
    click.echo(f"Created {user.role.label.lower()} {user.name} <{user.email}>.")


@click.command("invite")
@click.argument("email")
@click.option("--name", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option(
    "--trained-on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Date a patient representative completed training (YYYY-MM-DD).",
)
@with_appcontext
@transaction.command
def invite_command(email, name, role, trained_on):
    """Create an account and queue an email inviting the person to choose a password."""
    from ..services import invitations

    try:
        user = invitations.invite(
            email=email,
            name=name,
            role=role,
            training_completed_on=trained_on.date() if trained_on else None,
            actor=None,
        )
    except Refused as refused:
        raise click.ClickException(refused.message) from refused
    click.echo(
        f"Invited {user.role.label.lower()} {user.name} <{user.email}>. "
        "The email goes out the next time `flask deliver-mail` runs."
    )
