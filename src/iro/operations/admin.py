"""The administrator's list of background tasks: which failed, which were tried again
and which were given up. It shows the task's name, its state and the kind of error,
never its arguments' contents beyond ids nor the error's text (a mail server's answer
can quote an address)."""

from __future__ import annotations

from django.contrib import admin
from django_tasks_db.models import DBTaskResult

from iro.operations.background import ATTEMPT
from iro.operations.models import WorkerHeartbeat

if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)


class Outcome(admin.SimpleListFilter):
    title = "outcome"
    parameter_name = "outcome"

    def lookups(self, request, model_admin):
        return [("failed", "Failed (any try)"), ("succeeded", "Succeeded")]

    def queryset(self, request, queryset):
        if self.value() == "failed":
            return queryset.filter(status="FAILED")
        if self.value() == "succeeded":
            return queryset.filter(status="SUCCESSFUL")
        return queryset


def _args(result) -> list:
    return (result.args_kwargs or {}).get("args", [])


def _attempt(result) -> int:
    return int(((result.args_kwargs or {}).get("kwargs") or {}).get(ATTEMPT, 1))


@admin.register(DBTaskResult)
class TaskResultAdmin(admin.ModelAdmin):
    list_display = ("task", "status", "attempt", "after_failure", "enqueued_at", "finished_at")
    list_filter = (Outcome, "status", "queue_name")
    ordering = ["-enqueued_at"]
    fields = (
        "id",
        "task",
        "status",
        "attempt",
        "after_failure",
        "error",
        "enqueued_at",
        "started_at",
        "finished_at",
        "queue_name",
    )
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="task")
    def task(self, obj):
        return obj.task_path.rpartition(".")[2].replace("_", " ")

    @admin.display(description="try")
    def attempt(self, obj):
        return _attempt(obj)

    @admin.display(description="after failing")
    def after_failure(self, obj):
        if obj.status != "FAILED":
            return ""
        later = DBTaskResult.objects.filter(
            task_path=obj.task_path, enqueued_at__gte=obj.enqueued_at
        ).exclude(pk=obj.pk)
        args, wanted = _args(obj), _attempt(obj) + 1
        for result in later.order_by("enqueued_at")[:200]:
            if _args(result) == args and _attempt(result) == wanted:
                return "tried again"
        return "gave up"

    @admin.display(description="error")
    def error(self, obj):
        return obj.exception_class_path.rpartition(".")[2] if obj.exception_class_path else ""


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ("worker_id", "host", "pid", "started_at", "beat_at")
    readonly_fields = ("worker_id", "host", "pid", "started_at", "beat_at")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
