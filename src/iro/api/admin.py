"""Administrators list every API token and revoke any; nobody edits or deletes one, and
nobody makes one for someone else (a token acts as its owner: they make their own on the
API tokens page, ``api.pages``)."""

from django.contrib import admin

from iro.api import services
from iro.api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "expires_at", "state")
    list_select_related = ("user",)
    search_fields = ("user__username", "name", "prefix")
    readonly_fields = (
        "user", "name", "prefix", "created_at", "created_by", "expires_at", "last_used_at",
        "revoked_at", "revoked_by",
    )  # fmt: skip
    fields = readonly_fields
    actions = ("revoke",)

    def has_add_permission(self, request):
        return False  # services.create_token: only the owner makes one

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
