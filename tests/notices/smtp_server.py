"""A real SMTP server for the tests (aiosmtpd, on a free port of this machine): it
accepts or refuses mail as told and keeps what arrived, byte for byte."""

from __future__ import annotations

import email
import email.policy
import socket
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller


@dataclass
class Arrived:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes

    @property
    def message(self) -> email.message.EmailMessage:
        return email.message_from_bytes(self.content, policy=email.policy.default)


@dataclass
class Mailbox:
    """The handler: ``refuse`` (e.g. "550 5.1.1 No such mailbox here") refuses the
    recipients, every one or the first ``refusals``; ``tries`` counts the recipients
    offered, refused or not."""

    refuse: str | None = None
    refusals: int | None = None
    arrived: list[Arrived] = field(default_factory=list)
    tries: int = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.tries += 1
        if self.refuse and (self.refusals is None or self.tries <= self.refusals):
            return self.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.arrived.append(
            Arrived(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.original_content))
        )
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpServer:
    def __init__(self):
        self.mailbox = Mailbox()
        self.port = free_port()
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()


def calendar_of(message: email.message.EmailMessage) -> dict[str, list[str]]:
    """The .ics attachment parsed (RFC 5545 lines unfolded): property name -> values."""
    (part,) = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert part.get_filename() == "conference.ics"
    text = part.get_payload(decode=True).decode("utf-8")
    properties: dict[str, list[str]] = {}
    for line in text.replace("\r\n ", "").split("\r\n"):
        if not line:
            continue
        name_and_params, _, value = line.partition(":")
        properties.setdefault(name_and_params.split(";")[0], []).append(value)
    return properties
