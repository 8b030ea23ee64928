"""Administrators list every API token, revoke any, and make one for a user (shown once)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from iro.api import services
from iro.api.models import ApiToken

SHOWN_ONCE = (
    "The new token for {user} is {raw} — copy it now: it is not kept and will not be shown again."
)


class NewTokenForm(forms.ModelForm):
    days = forms.IntegerField(
        label="Days until it stops working",
        initial=services.DEFAULT_DAYS,
        min_value=1,
        max_value=services.MAX_DAYS,
    )

    class Meta:
        model = ApiToken
        fields = ("user", "name")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "expires_at", "state")
    list_select_related = ("user",)
    search_fields = ("user__username", "name", "prefix")
    readonly_fields = (
        "user", "name", "prefix", "created_at", "created_by", "expires_at", "last_used_at",
        "revoked_at", "revoked_by",
    )  # fmt: skip
    actions = ("revoke",)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = NewTokenForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else ()

    def get_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else ("user", "name", "days")

    def save_model(self, request, obj, form, change):
        try:
            token, raw = services.create_token(
                user=form.cleaned_data["user"],
                name=form.cleaned_data["name"],
                days=form.cleaned_data["days"],
                acting_user=request.user,
            )
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from error
        obj.pk = token.pk
        obj.__dict__.update({k: v for k, v in token.__dict__.items() if not k.startswith("_")})
        self.message_user(request, SHOWN_ONCE.format(user=token.user, raw=raw), messages.WARNING)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # revoked, never deleted: the list is the record of who had access

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset):
        done = 0
        for token in queryset.filter(revoked_at__isnull=True):
            services.revoke_token(token=token, acting_user=request.user)
            done += 1
        self.message_user(request, f"{done} token{'s' if done != 1 else ''} revoked.")
