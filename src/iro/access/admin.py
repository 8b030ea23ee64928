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


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin):
    """Read only: roles are given on the user's page, through ``access.grants``."""

    list_display = ("at", "user", "from_role", "to_role", "opens_children", "granted_by")
    list_filter = ("opens_children", "to_role")
    list_select_related = ("user", "granted_by")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
