"""Outgoing mail's transport: MAIL_URL read once, Flask-Mailman for SMTP, and a small thread per
worker that drains the outbox soon after a request queues a mail (no extra process to run).

Without MAIL_URL (development), mails are written to the log, links and all; no mail ever holds
journal words, only account notices and links.
"""

import logging
import threading
from urllib.parse import unquote, urlsplit

from flask import Flask, current_app
from flask_mailman import EmailMessage, Mail

from journal.config import ConfigError

log = logging.getLogger(__name__)
RETRY_SECONDS = 30  # the thread also wakes this often, to retry mail that could not leave


def smtp_settings(url: str) -> dict:
    """Flask-Mailman's settings from one URL: smtp://user:pass@host:port, smtps:// for TLS from
    the start; smtp:// with ?starttls upgrades the connection."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ConfigError("MAIL_URL must look like smtp://user:pass@host:587 (see README).")
    return {
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": parts.hostname,
        "MAIL_PORT": parts.port or (465 if parts.scheme == "smtps" else 25),
        "MAIL_USERNAME": unquote(parts.username or "") or None,
        "MAIL_PASSWORD": unquote(parts.password or "") or None,
        "MAIL_USE_SSL": parts.scheme == "smtps",
        "MAIL_USE_TLS": "starttls" in parts.query,
        "MAIL_TIMEOUT": 10,
    }


class Mailer:
    """One app's transport, and the thread that drains its outbox."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        if app.config.get("MAIL_URL"):
            self.configure(app.config["MAIL_URL"])

    def configure(self, url: str) -> None:
        """Send through the SMTP server at this URL from now on."""
        self.app.config.update(MAIL_URL=url, **smtp_settings(url))
        Mail().init_app(self.app)

    def deliver(self, to: str, subject: str, body: str) -> None:
        """Hand one mail to the transport now (raises when it cannot be sent)."""
        if not self.app.config.get("MAIL_URL"):
            log.info("mail (not sent: MAIL_URL is unset) to %s: %s\n%s", to, subject, body)
            return
        sender = self.app.config["MAIL_FROM"]
        EmailMessage(subject, body, sender, [to]).send(fail_silently=False)

    def wake(self) -> None:
        """Ask the thread to drain the outbox now (it starts on first use)."""
        if not self.app.config.get("MAIL_SEND_IN_BACKGROUND", True):
            return
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="mail", daemon=True)
                self._thread.start()
        self._wake.set()

    def _run(self) -> None:
        from journal.services import mail  # the service imports this module

        while True:
            self._wake.wait(timeout=RETRY_SECONDS)
            self._wake.clear()
            if not self.app.config.get("MAIL_SEND_IN_BACKGROUND", True):
                continue  # switched off (the test suite drains by hand)
            try:
                with self.app.app_context():
                    mail.drain()
            except Exception:  # keep the thread alive; the mail stays queued for later
                log.exception("the outbox could not be drained")


def init_mail(app: Flask) -> None:
    """Give the app its mail transport (each app its own, as tests make several)."""
    app.extensions["mailer"] = Mailer(app)


def mailer() -> Mailer:
    """The current app's mail transport."""
    return current_app.extensions["mailer"]
