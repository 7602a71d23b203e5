"""Outgoing mail: what a message holds and the backends that send it.

`file` writes each message as an .eml file under var/outbox and logs the link it carries, for
development and tests; `smtp` hands it to a real mail server. Backends block: only workers call
them, never a process with an event loop to keep free.
"""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
import tempfile
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Protocol

from settings import Settings

log = logging.getLogger("kwissle.mail")

SMTP_TIMEOUT = 20.0  # seconds for each step of an SMTP conversation


class MailError(RuntimeError):
    """The message did not go; sending it again later may work."""


@dataclass(frozen=True, slots=True)
class Mail:
    """One message to one person; `key` names it for idempotency and for its file."""

    key: str
    to: str
    subject: str
    text: str
    link: str | None = None  # the one URL worth showing in a development log


def as_email(mail: Mail, mail_from: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = mail_from
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(idstring=mail.key)
    message.set_content(mail.text)
    return message


class MailBackend(Protocol):
    def send(self, mail: Mail) -> None:
        """Send the message; MailError when it could not go (and may be tried again)."""


class FileBackend:
    """Writes <key>.eml into `outbox`, all at once: a reader never sees half a message."""

    def __init__(self, outbox: Path, mail_from: str) -> None:
        self.outbox = outbox
        self.mail_from = mail_from

    def send(self, mail: Mail) -> None:
        self.outbox.mkdir(parents=True, exist_ok=True)
        data = as_email(mail, self.mail_from).as_bytes()
        fd, temporary = tempfile.mkstemp(dir=self.outbox, prefix=".", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        path = self.outbox / f"{mail.key}.eml"
        os.replace(temporary, path)
        log.info("mail to %s written to %s; link: %s", mail.to, path, mail.link)


class SmtpBackend:
    """Sends through an SMTP server, over TLS unless told otherwise."""

    def __init__(self, settings: Settings) -> None:
        if settings.smtp_security not in ("starttls", "ssl", "none"):
            raise ValueError(
                "KWISSLE_SMTP_SECURITY must be starttls, ssl or none, "
                f"not {settings.smtp_security!r}"
            )
        self.settings = settings

    def send(self, mail: Mail) -> None:
        s = self.settings
        try:
            if s.smtp_security == "ssl":
                context = ssl.create_default_context()
                server: smtplib.SMTP = smtplib.SMTP_SSL(
                    s.smtp_host, s.smtp_port, timeout=SMTP_TIMEOUT, context=context
                )
            else:
                server = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=SMTP_TIMEOUT)
            with server:
                if s.smtp_security == "starttls":
                    server.starttls(context=ssl.create_default_context())
                if s.smtp_user:
                    server.login(s.smtp_user, s.smtp_password)
                server.send_message(as_email(mail, s.mail_from))
        except (smtplib.SMTPException, OSError) as error:
            raise MailError(f"SMTP {s.smtp_host}:{s.smtp_port}: {error}") from error
        log.info("mail to %s handed to %s", mail.to, s.smtp_host)


def make_backend(settings: Settings) -> MailBackend:
    """The backend settings.mail_backend names; ValueError for an unknown one."""
    if settings.mail_backend == "file":
        return FileBackend(settings.var_dir / "outbox", settings.mail_from)
    if settings.mail_backend == "smtp":
        return SmtpBackend(settings)
    raise ValueError(f"KWISSLE_MAIL_BACKEND must be file or smtp, not {settings.mail_backend!r}")
