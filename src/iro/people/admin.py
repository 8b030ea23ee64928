from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from simple_history.admin import SimpleHistoryAdmin

from iro.access import grants
from iro.people.models import Agency, ClosureDay, Leave, Team, User

# What nobody may change on their own account: the role (and with it which children's
# records they open) and the admin's own flags and permissions.
OWN_ACCOUNT_LOCKED = ("role", "is_superuser", "is_staff", "is_active", "groups", "user_permissions")


@admin.register(User)
class IroUserAdmin(UserAdmin, SimpleHistoryAdmin):
    """Users. A role is given through ``access.grants`` (logged, never to oneself)."""

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
        *UserAdmin.add_fieldsets,
        ("Role in the service", {"fields": ("role", "team", "line_manager")}),
    )

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        if obj is not None and obj.pk == request.user.pk:
            fields += OWN_ACCOUNT_LOCKED
        return fields

    def save_model(self, request, obj, form, change):
        if not change:
            grants.check_new_user(user=obj, acting_user=request.user)
            super().save_model(request, obj, form, change)
            grants.record_new_user(user=obj, acting_user=request.user)
            return
        if "role" in form.changed_data:
            new_role = obj.role
            obj.role = form.initial["role"]
            super().save_model(request, obj, form, change)
            grants.change_role(user=obj, role=new_role, acting_user=request.user)
            return
        super().save_model(request, obj, form, change)


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
