"""The API's pages for people: the tokens page, where a signed-in user makes, lists and
revokes their own API tokens, and the API's reference (``reference``).

A new token is shown once, on the page that made it (never stored, never in a message
that could be shown again). Administrators list and revoke anyone's in the admin.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from iro.api import reference, services
from iro.api.models import ApiToken
from iro.journey.conference_forms import apply_service_errors, error_summary

REVOKED = "The token “{name}” is revoked: it no longer works."


class TokenForm(forms.Form):
    name = forms.CharField(
        label="What is the token for?",
        help_text="For example, “Case system nightly sync”. You will see this in the list.",
        max_length=100,
        error_messages={"required": services.NAME_REQUIRED},
    )
    days = forms.IntegerField(
        label="Days until it stops working",
        initial=services.DEFAULT_DAYS,
        min_value=1,
        max_value=services.MAX_DAYS,
        error_messages={
            "required": services.DAYS_RANGE,
            "invalid": services.DAYS_RANGE,
            "min_value": services.DAYS_RANGE,
            "max_value": services.DAYS_RANGE,
        },
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-4"}),
    )


def tokens(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST if request.method == "POST" else None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_token = services.create_token(
                user=request.user,
                name=form.cleaned_data["name"],
                days=form.cleaned_data["days"],
                acting_user=request.user,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            form = TokenForm()
    errors = error_summary(form)
    response = render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "new_token": new_token,
            "tokens": services.tokens_of(request.user),
            "error_list": errors,
            "page_has_errors": bool(errors),
            "active_nav": "tokens",
        },
    )
    if new_token:
        response["Cache-Control"] = "no-store"
    return response


@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = ApiToken.objects.filter(pk=pk, user=request.user).first()
    if token is None:
        raise Http404("No such token")
    try:
        services.revoke_token(token=token, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, REVOKED.format(name=token.name))
    return redirect("api_tokens")


def docs(request: HttpRequest) -> HttpResponse:
    """Every call of the API and every shape it reads or writes, from its own schema, as a
    page of the service (the machine-readable schema is ``/api/schema/``). For anyone
    signed in: it describes the API, it holds no record."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return render(
        request,
        "api/reference.html",
        {"reference": reference.reference(), "may_make_tokens": True},
    )
