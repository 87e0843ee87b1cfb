"""`flask deliver-mail`: send what the outbox holds; run it from cron or a systemd timer."""

from __future__ import annotations

import time

import click
from flask.cli import with_appcontext

from .. import transaction
from ..services import mail


@click.command("deliver-mail")
@click.option(
    "--every", type=int, default=0, help="Keep running, delivering every this many seconds (scripts/run uses it)."
)
@with_appcontext
@transaction.command
def deliver_mail_command(every):
    """Send the emails that are due, retrying failures with back-off."""
    while True:
        counts = mail.deliver_due()
        if counts["sent"] or counts["retrying"] or counts["failed"] or not every:
            click.echo(
                f"Sent {counts['sent']}, will retry {counts['retrying']}, gave up on {counts['failed']} "
                f"(via {mail.transport_name()})."
            )
        for message in mail.stuck():
            click.echo(
                f"Message {message.id} to {message.to_address} was being sent when delivery stopped; "
                "check whether it arrived before sending it again.",
                err=True,
            )
        if not every:
            return
        time.sleep(every)


@click.command("send-reminders")
@with_appcontext
@transaction.command
def send_reminders_command():
    """Queue the scoring reminders due today (7 days, 2 days and on the day). Safe to run any number of times."""
    from ..services import deadlines

    queued = deadlines.send_reminders()
    click.echo(f"Queued {queued} reminder{'' if queued == 1 else 's'}. `flask deliver-mail` sends them.")
