"""The public feedback pages: no sign-in, no personal data, one use per link.

``/feedback/<token>`` (the emailed link) and ``/feedback/`` (the code from a posted
letter) show the short form in the giver's language. Whatever is wrong with a secret
(unknown, altered, used, expired) the answer is the same page with the same status
(404), so a guess learns nothing; an address with too many refusals or codes typed in a
window gets 429 until the window ends (``feedback_links.over_limit``). The secret is
never logged: the access log keeps URL names, not paths, and these pages write none.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext_noop
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from iro.access.signin import client_ip
from iro.challenge import feedback_links as links
from iro.challenge.forms import GivenFeedbackForm
from iro.challenge.models import FeedbackLink, Respondent
from iro.languages import BY_CODE, ENGLISH

ANSWERS_STEP = "answers"


def _private(response: HttpResponse) -> HttpResponse:
    """Not indexed, and not passed on as a referrer to another site (same-origin: a
    stricter "no-referrer" makes the browser send "Origin: null", which CSRF refuses)."""
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _words() -> dict:
    return {
        "from_email": settings.DEFAULT_FROM_EMAIL,
        "service_phone": settings.IRO_SERVICE_PHONE,
    }


def _unlogged(response: HttpResponse) -> HttpResponse:
    """Django's request log writes every 4xx with its path, which here holds the secret:
    marked as logged already (Django's own flag), the refusal is not written there."""
    response._has_been_logged = True
    return response


def _refused(request: HttpRequest, language: str = "") -> HttpResponse:
    """The link or code does not open a form. ``language``: the code page's, kept by the
    page's link back to it, so a reader of Polish who mistyped a code stays in Polish."""
    links.count("refused", client_ip(request))
    context = _words() | {"lang": language}
    response = render(request, "challenge/given/refused.html", context, status=404)
    return _unlogged(_private(response))


def _too_many(request: HttpRequest) -> HttpResponse:
    response = render(request, "challenge/given/too_many.html", _words(), status=429)
    response["Retry-After"] = str(links.WINDOW_SECONDS)
    return _unlogged(_private(response))


def _form_page(
    request: HttpRequest, link: FeedbackLink, *, token: str | None, code: str | None
) -> HttpResponse:
    child = link.respondent == Respondent.CHILD
    answering = request.method == "POST" and (token is not None or ANSWERS_STEP in request.POST)
    with translation.override(link.language):
        form = GivenFeedbackForm(request.POST if answering else None, child=child)
        if answering and form.is_valid():
            try:
                feedback = links.give_feedback(
                    token=token,
                    code=code,
                    ratings=form.ratings(),
                    text=form.cleaned_data["text"],
                    consent_to_quote=form.cleaned_data["consent"],
                )
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    for message in messages:
                        form.add_error(field if field in form.fields else None, message)
            else:
                if feedback is None:  # used meanwhile, or expired while the form was open
                    return _refused(request)
                return _private(
                    render(request, "challenge/given/thanks.html", _words() | {"child": child})
                )
        context = _words() | {
            "form": form,
            "child": child,
            "questions": form.questions(),
            "code": links.grouped(links.normalised_code(code)) if code else "",
            "answers_step": ANSWERS_STEP,
            "errors": [(name, e) for name, errs in form.errors.items() for e in errs],
        }
        return _private(render(request, "challenge/given/form.html", context))


@never_cache
@require_http_methods(["GET", "POST"])
def feedback_give(request: HttpRequest, token: str) -> HttpResponse:
    """The form behind an emailed link."""
    if links.over_limit(client_ip(request)):
        return _too_many(request)
    link = links.usable_link(token=token)
    if link is None:
        return _refused(request)
    return _form_page(request, link, token=token, code=None)


CODE_MISSING = gettext_noop("Enter the code from your letter.")
CODE_SHAPE = gettext_noop("The code is 10 letters and numbers, like ABCD-EFGH-JK.")


@never_cache
@require_http_methods(["GET", "POST"])
def feedback_code(request: HttpRequest) -> HttpResponse:
    """Type the code from a posted letter; a right one opens the form. The page is in
    the language of the letter's part that sent the reader here (``?lang=``)."""
    asked = request.GET.get("lang", "")
    language = asked if asked in BY_CODE else ""
    with translation.override(language or ENGLISH):
        return _code_page(request, language)


def _code_page(request: HttpRequest, language: str) -> HttpResponse:
    ip = client_ip(request)
    if links.over_limit(ip):
        return _too_many(request)
    error = ""
    typed = request.POST.get("code", "") if request.method == "POST" else ""
    if request.method == "POST":
        if ANSWERS_STEP not in request.POST:
            links.count("code", ip)
        code = links.normalised_code(typed)
        if not typed.strip():
            error = translation.gettext(CODE_MISSING)
        elif len(code) != links.CODE_LENGTH:
            error = translation.gettext(CODE_SHAPE)
        else:
            link = links.usable_link(code=code)
            if link is None:
                return _refused(request, language)
            return _form_page(request, link, token=None, code=code)
    return _private(
        render(
            request,
            "challenge/given/code.html",
            {"error": error, "typed": typed[: links.MAX_TYPED], "lang": language},
            status=200,
        )
    )
