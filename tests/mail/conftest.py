"""A real SMTP server (aiosmtpd) on a free local port, started for each test that asks for it."""

from __future__ import annotations

import socket
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller


class Inbox:
    """Collects what the server accepted; ``refuse_next`` makes it answer 451 that many times."""

    def __init__(self):
        self.messages = []
        self.refuse_next = 0
        self.refused = 0

    async def handle_DATA(self, server, session, envelope):
        if self.refuse_next:
            self.refuse_next -= 1
            self.refused += 1
            return "451 Requested action aborted: try again later"
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(app):
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=port,
        MAIL_USE_TLS=False,
        MAIL_USERNAME="",
        MAIL_DEFAULT_SENDER="Procurement <no-reply@example.nhs.uk>",
    )
    yield inbox
    controller.stop()


def text_part(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")


def html_part(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content().replace("\r\n", "\n")
