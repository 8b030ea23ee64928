from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from simple_history.admin import SimpleHistoryAdmin

from iro.people.models import Agency, ClosureDay, Team, User


@admin.register(User)
class IroUserAdmin(UserAdmin, SimpleHistoryAdmin):
    list_display = ("username", "first_name", "last_name", "role", "team", "is_active")
    list_filter = ("role", "team", "is_active")
    fieldsets = (
        *UserAdmin.fieldsets,
        ("Role in the service", {"fields": ("role", "team", "line_manager", "job_title")}),
    )
    add_fieldsets = (
        *UserAdmin.add_fieldsets,
        ("Role in the service", {"fields": ("role", "team", "line_manager")}),
    )


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
