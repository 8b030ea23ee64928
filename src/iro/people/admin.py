from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.forms import (
    ReadOnlyPasswordHashField,
    ReadOnlyPasswordHashWidget,
    UserChangeForm,
)
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from iro.access import grants
from iro.notices.mail import state_words
from iro.people import accounts
from iro.people.models import Agency, ClosureDay, Leave, Team, User

# Why the address of an account in use cannot be changed here (``people.accounts``).
OWNER_KEEPS_ADDRESS = (
    "Only its owner changes the email address of an account that has been signed in to "
    "(on their page “Your account”): password links go to it. If they can no longer use "
    "the account, make them a new one."
)
# What nobody may change on their own account: the role (and with it which children's
# records they open) and the admin's own flags and permissions.
OWN_ACCOUNT_LOCKED = ("role", "is_superuser", "is_staff", "is_active", "groups", "user_permissions")


class PasswordLinkWidget(ReadOnlyPasswordHashWidget):
    """Whether a password is set, and the way to a new one: a link to its owner."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        usable = bool(value) and not value.startswith(UNUSABLE_PASSWORD_PREFIX)
        context["summary"] = [{"label": "Set" if usable else "Not set yet"}]
        context["button_label"] = "Send them a link to set a new password"
        return context


class AccountChangeForm(UserChangeForm):
    password = ReadOnlyPasswordHashField(
        label="Password",
        widget=PasswordLinkWidget,
        help_text="Nobody but its owner knows it, the administrators included.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Django's own words for an account with no password offer to set one here.
        self.fields["password"].help_text = self.base_fields["password"].help_text


class NewAccountForm(forms.ModelForm):
    """A new account with no password: its owner sets one through the emailed link."""

    class Meta:
        model = User
        fields = ("username", "first_name", "last_name", "email")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields[
            "email"
        ].help_text = "Their work address: a link to set their own password is sent there."


@admin.register(User)
class IroUserAdmin(UserAdmin, SimpleHistoryAdmin):
    """Users. A role is given through ``access.grants`` (logged, never to oneself). No
    password is set here, only sent for as a link to its owner (``people.accounts``)."""

    form = AccountChangeForm
    add_form = NewAccountForm
    add_form_template = None  # Django's asks for a password first
    change_user_password_template = "admin/people/user/password_link.html"  # noqa: S105
    actions = ("send_password_links",)

    list_display = ("username", "first_name", "last_name", "role", "team", "is_active")
    # Plain multiple selects: Django's two-box filter widget gives a span a prohibited
    # aria-label (WCAG 4.1.2), and the lists here are short.
    filter_horizontal = ()
    list_filter = ("role", "team", "is_active")
    # The role decides what an account may do, the admin included
    # (``access.admin_site``): Django's staff and superuser flags, groups and
    # hand-picked permissions are not offered.
    fieldsets = (
        *(
            (title, {**options, "fields": ("is_active",)})
            if "is_superuser" in options["fields"]
            else (title, options)
            for title, options in UserAdmin.fieldsets
        ),
        ("Role in the service", {"fields": ("role", "team", "line_manager", "job_title")}),
    )
    add_fieldsets = (
        (None, {"fields": ("username", "first_name", "last_name", "email")}),
        ("Role in the service", {"fields": ("role", "team", "line_manager")}),
    )

    def get_readonly_fields(self, request, obj=None):
        # The last sign-in is the owner's (it also ends their password link), not typed.
        fields = (*super().get_readonly_fields(request, obj), "last_login")
        if obj is not None and obj.pk == request.user.pk:
            fields += OWN_ACCOUNT_LOCKED
        if obj is not None and accounts.owner_keeps_address(obj):
            fields += ("email",)
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not accounts.owner_keeps_address(obj):
            return fieldsets
        return tuple(
            (title, {**options, "description": OWNER_KEEPS_ADDRESS})
            if "email" in options["fields"]
            else (title, options)
            for title, options in fieldsets
        )

    def save_model(self, request, obj, form, change):
        if not change:
            grants.check_new_user(user=obj, acting_user=request.user)
            obj.set_unusable_password()
            super().save_model(request, obj, form, change)
            grants.record_new_user(user=obj, acting_user=request.user)
            self._send_link(request, obj, new_account=True)
            return
        if "email" in form.changed_data:
            accounts.tell_address_changed(
                user=obj, old_address=form.initial.get("email", ""), acting_user=request.user
            )
        if "role" in form.changed_data:
            new_role = obj.role
            obj.role = form.initial["role"]
            super().save_model(request, obj, form, change)
            grants.change_role(user=obj, role=new_role, acting_user=request.user)
            return
        super().save_model(request, obj, form, change)

    def _send_link(self, request, user, *, new_account: bool = False) -> None:
        try:
            mail = accounts.send_password_link(
                user=user, acting_user=request.user, new_account=new_account
            )
        except ValidationError as error:
            self.message_user(request, error.messages[0], messages.ERROR)
            return
        # In the admin's log of changes (its "Recent actions"), with who sent it.
        self.log_change(request, user, f"Sent a link to set a password to {mail.to}.")
        self.message_user(
            request,
            f"A link for {user.username} to set a password, to {mail.to}: {state_words(mail)}.",
        )

    @admin.action(description="Send a link to set a new password")
    def send_password_links(self, request, queryset):
        for user in queryset.order_by("username"):
            self._send_link(request, user)

    def user_change_password(self, request, id, form_url=""):
        """Not Django's form to type someone's password: a link sent to its owner."""
        user = self.get_object(request, unquote(id))
        if user is None:
            raise Http404("No such account.")
        if not self.has_change_permission(request, user):
            raise PermissionDenied
        if request.method == "POST":
            self._send_link(request, user)
            return redirect(reverse("admin:people_user_change", args=[user.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Send {user.username} a link to set a new password",
            "account": user,
            "days": accounts.link_days(),
            "opts": self.opts,
            "original": user,
        }
        return TemplateResponse(request, self.change_user_password_template, context)


admin.site.unregister(Group)


@admin.register(Group)
class IroGroupAdmin(GroupAdmin):
    """Groups, with a plain multiple select for permissions (as users, above)."""

    filter_horizontal = ()


@admin.register(Team)
class TeamAdmin(SimpleHistoryAdmin):
    list_display = ("name", "manager", "link_iro")


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("name", "kind")
    list_filter = ("kind",)


@admin.register(ClosureDay)
class ClosureDayAdmin(admin.ModelAdmin):
    list_display = ("date", "description")


@admin.register(Leave)
class LeaveAdmin(SimpleHistoryAdmin):
    list_display = ("user", "start_date", "end_date", "description")
    list_filter = ("user",)
    date_hierarchy = "start_date"
