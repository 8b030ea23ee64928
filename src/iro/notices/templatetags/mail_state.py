from django import template

from iro.notices.mail import state_words

register = template.Library()


@register.filter
def mail_state(mail) -> str:
    """An email's state in words: queued, sent, kept on this machine, failed (why)."""
    return state_words(mail)
