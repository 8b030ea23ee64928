"""Mail that is really sent: queued with the change that made it, sent by the worker.

``queue_mail`` writes an ``OutgoingMail`` row and enqueues ``send_mail`` in the caller's
transaction (a rolled-back change sends nothing). ``send_mail`` hands the message to
Django's email backend: over SMTP in production (``IRO_SMTP_*``), to files in var/mail
elsewhere. A refusal or an unreachable server is kept as the server's answer and the
message tried again (``IRO_MAIL_ATTEMPTS`` tries, the pause doubling from
``IRO_MAIL_RETRY_SECONDS``); after the last it is "failed" on the page that made it.
"""

from __future__ import annotations

import smtplib
from contextlib import contextmanager
from contextvars import ContextVar
from email.mime.text import MIMEText

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone

from iro.notices.models import MailKind, MailState, OutgoingMail
from iro.operations.background import background, backoff

# What a try can meet that is worth another try: the server refusing, or not answering.
MAIL_ERRORS = (smtplib.SMTPException, OSError)


_recorded_only: ContextVar[bool] = ContextVar("recorded_only", default=False)


@contextmanager
def recorded_only():
    """Inside the block notices are recorded but not emailed (the demo's generated past:
    nobody is told today of work handed over years ago)."""
    token = _recorded_only.set(True)
    try:
        yield
    finally:
        _recorded_only.reset(token)


def emailing() -> bool:
    return not _recorded_only.get()


def mail_leaves_this_machine() -> bool:
    """Does the configured backend hand mail to a mail server (SMTP)?"""
    return settings.EMAIL_BACKEND == settings.SMTP_BACKEND


def queue_mail(
    *,
    kind: str,
    to: str,
    subject: str,
    body: str,
    link: str,
    acting_user=None,
    notice=None,
    invitation=None,
    calendar: tuple[str, str] | None = None,
) -> OutgoingMail:
    """Record one message and enqueue its sending. ``calendar``: (method, iCalendar text)."""
    method, text = calendar or ("", "")
    with transaction.atomic():
        mail = OutgoingMail.objects.create(
            kind=kind,
            to=to,
            subject=subject,
            body=body,
            link=link,
            notice=notice,
            invitation=invitation,
            created_by=acting_user,
            attachment_name="conference.ics" if calendar else "",
            attachment_text=text,
            calendar_method=method,
        )
        send_mail.enqueue(mail.pk)
    mail.refresh_from_db()  # the immediate backend (tests) has already run it
    return mail


def email_message(mail: OutgoingMail) -> EmailMessage:
    message = EmailMessage(
        subject=mail.subject,
        body=mail.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[mail.to],
    )
    if mail.attachment_text:
        part = MIMEText(mail.attachment_text, "calendar", "utf-8")
        part.set_param("method", mail.calendar_method)
        part.add_header("Content-Disposition", "attachment", filename=mail.attachment_name)
        message.attach(part)
    return message


def server_answer(error: BaseException) -> str:
    """The mail server's answer in one line, as the page shows it."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        answers = [f"{code} {_text(text)}" for code, text in error.recipients.values()]
        return "refused the address: " + "; ".join(answers)
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{error.smtp_code} {_text(error.smtp_error)}"
    if isinstance(error, smtplib.SMTPException):
        return str(error) or type(error).__name__
    return f"could not reach the mail server ({error.strerror or error})"


def _text(value) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return " ".join(str(value).split())


@background(
    attempts=lambda: settings.IRO_MAIL_ATTEMPTS,
    backoff_seconds=lambda: settings.IRO_MAIL_RETRY_SECONDS,
    retry_on=MAIL_ERRORS,
)
def send_mail(mail_id: int, *, attempt: int, last: bool) -> str:
    """Send one queued message; its state says what happened."""
    mail = OutgoingMail.objects.filter(pk=mail_id).first()
    if mail is None or mail.state in (MailState.SENT, MailState.KEPT):
        return "nothing to do"
    try:
        get_connection(fail_silently=False).send_messages([email_message(mail)])
    except MAIL_ERRORS as error:
        now = timezone.now()
        mail.attempts = attempt
        mail.answer = server_answer(error)[:2000]
        if last:
            mail.state, mail.finished_at, mail.next_try_at = MailState.FAILED, now, None
        else:
            mail.next_try_at = now + backoff(settings.IRO_MAIL_RETRY_SECONDS, attempt)
        mail.save(update_fields=["attempts", "answer", "state", "finished_at", "next_try_at"])
        raise
    now = timezone.now()
    mail.attempts = attempt
    mail.state = MailState.SENT if mail_leaves_this_machine() else MailState.KEPT
    mail.finished_at, mail.next_try_at = now, None
    mail.answer = ""
    mail.save(update_fields=["attempts", "state", "finished_at", "next_try_at", "answer"])
    if mail.notice_id and mail.state == MailState.SENT:
        type(mail.notice).objects.filter(pk=mail.notice_id).update(sent_at=now)
    return mail.state


def state_words(mail: OutgoingMail | None) -> str:
    """How a message stands, in the words of the page that made it."""
    if mail is None:
        return ""
    if mail.state == MailState.SENT:
        return f"Sent {timezone.localtime(mail.finished_at):%-d %b %Y %H:%M}"
    if mail.state == MailState.KEPT:
        return "Kept on this machine, not sent (mail is not set up to leave it)"
    if mail.state == MailState.FAILED:
        return f"Failed after {mail.attempts} tries: {mail.answer}"
    if mail.attempts:
        when = timezone.localtime(mail.next_try_at) if mail.next_try_at else None
        again = f"; trying again at {when:%H:%M}" if when else ""
        return f"Queued: try {mail.attempts} failed ({mail.answer}){again}"
    return "Queued to send"


KIND_FOR_METHOD = {"REQUEST": MailKind.INVITATION, "CANCEL": MailKind.CANCELLATION}
