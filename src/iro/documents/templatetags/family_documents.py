"""Dates and times in a family document's language: English keeps the house style
("20 June 2024", "2:30pm", as the invitation letters write them); another language takes
its own formats from Django. Telephone numbers keep their left-to-right order inside an
Arabic or Urdu sentence."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language, get_language_bidi

from iro.journey.invitations import family_clock, family_day

register = template.Library()


def _english() -> bool:
    return (get_language() or "en").startswith("en")


@register.filter
def family_date(value, weekday: bool = False):
    if not value:
        return ""
    return family_day(value, weekday=weekday)


@register.filter
def family_time(value):
    if not value:
        return ""
    # English: not Django's "a" ("9:30 a.m." ends a sentence with "a.m.."); other
    # languages: their own clock, where Django's reads wrongly (invitations._TIME_FORMATS).
    return family_clock(value)


@register.filter
def ltr(value):
    """A number or address that reads left to right in any sentence, on a page: in a
    right-to-left sentence, the spaces of "01632 960 000" would otherwise put its groups
    in the opposite order."""
    return format_html('<bdi dir="ltr">{}</bdi>', value) if value else ""


@register.filter
def ltr_text(value):
    """The same for plain text (an email): the number between Unicode's left-to-right
    isolate marks, in a right-to-left language only."""
    if not value:
        return ""
    return f"\u2066{value}\u2069" if get_language_bidi() else str(value)


@register.filter
def status_words(status) -> str:
    from iro.documents.family_document import STATUS_WORDS

    return str(STATUS_WORDS.get(status, status))


@register.filter
def role_words(role) -> str:
    from iro.documents.family_document import ROLE_WORDS

    return str(ROLE_WORDS.get(role, role))


@register.filter
def attendance_words(attendance) -> str:
    """How someone came to a conference, as the minutes word it."""
    from iro.journey.minutes import ATTENDANCE_WORDS

    return str(ATTENDANCE_WORDS.get(attendance, attendance))


@register.filter
def recommendation_words(recommendation) -> str:
    """An agency's recommendation, as the minutes word it."""
    from iro.journey.minutes import RECOMMENDATION_WORDS

    return str(RECOMMENDATION_WORDS.get(recommendation, recommendation))
