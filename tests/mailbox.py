"""A real local SMTP server (aiosmtpd) for the suite: the app sends to it, tests read what came."""

import email
import re
import socket

import pytest
from aiosmtpd.controller import Controller

from journal.services import mail

LINK = re.compile(r"https?://\S+/reset/(\S+)")


class Collector:
    """Keeps every message the server receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd calls it by this name
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def smtp_server(app):
    """Start the server once, and point the app's mail at it."""
    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.extensions["mailer"].configure(f"smtp://127.0.0.1:{controller.port}")
    yield collector
    controller.stop()


@pytest.fixture
def mailbox(app, smtp_server):
    """mailbox() sends what the outbox holds and returns every message received so far;
    mailbox("words") only those whose subject holds the words."""
    smtp_server.messages.clear()

    def deliver(subject: str = ""):
        with app.app_context():
            mail.drain()
        return [m for m in smtp_server.messages if subject in m["Subject"]]

    return deliver


def body_of(message) -> str:
    return message.get_payload(decode=True).decode()


def token_in(message) -> str:
    return LINK.search(body_of(message)).group(1)
