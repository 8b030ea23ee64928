# axes and allauth register their admin classes on import: first, so they can be replaced
import allauth.account.admin
import allauth.mfa.admin
import axes.admin
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from axes.models import AccessFailureLog, AccessLog
from django.contrib import admin

from iro.access.models import AccessLogEntry, RoleGrant
from iro.people import accounts


@admin.register(AccessLogEntry)
class AccessLogAdmin(admin.ModelAdmin):
    list_display = ("at", "user", "event", "la_child_id", "what")
    list_filter = ("event",)
    list_select_related = ("user", "child")
    # The log names children by LA child ID only: reading it must not itself show names.
    fields = ("at", "user", "event", "la_child_id", "what", "detail")
    readonly_fields = fields
    search_fields = ("child__la_child_id", "user__username")

    @admin.display(description="LA child ID")
    def la_child_id(self, entry: AccessLogEntry) -> str:
        return entry.child.la_child_id if entry.child else ""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# django-axes' sign-in history is append-only too (database triggers refuse changes but
# axes' own setting of logout_time): read-only here, with no delete. The attempt counters
# (AccessAttempt) keep axes' admin, whose delete is how an administrator lifts a lockout.


class ReadOnlyLogAdmin:
    actions = None

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SignInLogAdmin(ReadOnlyLogAdmin, axes.admin.AccessLogAdmin):
    pass


class FailedSignInLogAdmin(ReadOnlyLogAdmin, axes.admin.AccessFailureLogAdmin):
    pass


for _model, _admin_class in ((AccessLog, SignInLogAdmin), (AccessFailureLog, FailedSignInLogAdmin)):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
    admin.site.register(_model, _admin_class)


@admin.register(RoleGrant)
class RoleGrantAdmin(ReadOnlyLogAdmin, admin.ModelAdmin):
    """Read only: roles are given on the user's page, through ``access.grants``."""

    list_display = ("at", "user", "from_role", "to_role", "opens_children", "granted_by")
    list_filter = ("opens_children", "to_role")
    list_select_related = ("user", "granted_by")


# A second factor's secret (the TOTP key, the recovery codes' seed) would let whoever reads
# it make its owner's codes: never shown, never made here. Removing one is how a lost
# phone is dealt with; its owner is told, and sets up a new one when they next sign in.
admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class SecondFactorAdmin(admin.ModelAdmin):
    list_display = ("user", "type", "created_at", "last_used_at")
    list_filter = ("type",)
    list_select_related = ("user",)
    fields = ("user", "type", "created_at", "last_used_at")
    readonly_fields = fields
    search_fields = ("user__username",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self._tell([obj.user], request)

    def delete_queryset(self, request, queryset):
        users = {factor.user for factor in queryset.select_related("user")}
        super().delete_queryset(request, queryset)
        self._tell(users, request)

    @staticmethod
    def _tell(users, request) -> None:
        for user in sorted(users, key=lambda user: user.username):
            accounts.tell_second_factor_removed(user=user, acting_user=request.user)


# allauth's addresses, read only: an address added here would take its owner's password
# links (the account's own address is changed on the user's page, and its owner told).
admin.site.unregister(EmailAddress)


@admin.register(EmailAddress)
class EmailAddressAdmin(ReadOnlyLogAdmin, allauth.account.admin.EmailAddressAdmin):
    pass
