import axes.admin  # axes registers its admin classes on import: first, so they can be replaced
from axes.models import AccessFailureLog, AccessLog
from django.contrib import admin

from iro.access.models import AccessLogEntry, RoleGrant


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
