"""`flask --app wsgi finalise REFERENCE --lead EMAIL`: finalise as the lead would on the web.

The same service and the same rules and messages as the finalise page
(`scoring.services.finalise`): refused, listing every cell that blocks it, until
every scored answer has a consensus or an accepted proposed score with a reason.
``--lead`` names who finalises, since the command line has no signed-in user.
"""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from .. import transaction
from ..extensions import db
from ..models import Procurement
from ..services import accounts
from ..services.errors import Refused
from ..services.finalise import finalise


@click.command("finalise")
@click.argument("reference")
@click.option("--lead", "lead_email", required=True, help="Email of the procurement lead (or an administrator).")
@with_appcontext
@transaction.command
def finalise_command(reference, lead_email):
    """Finalise procurement REFERENCE: store its result for good."""
    procurement = db.session.scalar(select(Procurement).where(Procurement.reference == reference))
    if procurement is None:
        raise click.ClickException(f"There is no procurement with the reference {reference}.")
    lead = accounts.find_by_email(lead_email)
    if lead is None:
        raise click.ClickException(f"There is no user with the email {lead_email}.")
    try:
        document = finalise(procurement, actor=lead)
    except Refused as refused:
        lines = [message for _, message in refused.found]
        raise click.ClickException(f"{reference} was not finalised:\n" + "\n".join(f"  - {m}" for m in lines))
    click.echo(f"{reference} is final. Winner: {document.get('winner') or 'none (see the results)'}.")
