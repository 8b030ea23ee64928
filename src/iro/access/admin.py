from django.contrib import admin

from iro.access.models import AccessLogEntry


@admin.register(AccessLogEntry)
class AccessLogAdmin(admin.ModelAdmin):
    list_display = ("at", "user", "event", "child", "what")
    list_filter = ("event",)
    readonly_fields = ("at", "user", "event", "child", "what", "detail")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
