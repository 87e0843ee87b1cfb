"""Command-line commands: `flask --app wsgi <command>`."""

from __future__ import annotations

import importlib

from flask import Flask

# "module:attribute" of click commands; each lives beside the service it exposes.
COMMANDS = [
    "scoring.cli.accounts:create_user_command",
    "scoring.cli.demo:seed_demo_command",
    "scoring.cli.importing:import_procurement_command",
    "scoring.cli.backup:backup_command",
    "scoring.cli.export:export_command",
    "scoring.cli.moderate:moderate_command",
    "scoring.cli.finalise:finalise_command",
    "scoring.cli.mail:deliver_mail_command",
    "scoring.cli.accounts:invite_command",
    "scoring.cli.mail:send_reminders_command",
    "scoring.cli.law:standstill_command",
    "scoring.cli.law:award_record_command",
    "scoring.cli.law:assessment_summaries_command",
    "scoring.cli.review:review_command",
]


def register_commands(app: Flask) -> None:
    for target in COMMANDS:
        module_name, attribute = target.split(":")
        app.cli.add_command(getattr(importlib.import_module(module_name), attribute))
