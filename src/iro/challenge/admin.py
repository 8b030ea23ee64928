from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from iro.challenge.models import (
    Dispute,
    DisputeStage,
    Feedback,
    MultiAgencyChallenge,
    StageTimescale,
    Target,
)


class DisputeStageInline(admin.TabularInline):
    model = DisputeStage
    extra = 0
    fields = ("stage", "started_on", "sent_to", "ended_on", "note")
    # Stages change only through challenge.services (escalate, resolve).
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Dispute)
class DisputeAdmin(SimpleHistoryAdmin):
    list_display = ("raised_on", "child", "reason", "stage", "resolved_on", "raised_by")
    list_filter = ("reason", "stage")
    date_hierarchy = "raised_on"
    raw_id_fields = ("child", "plan", "raised_by")
    inlines = [DisputeStageInline]


@admin.register(MultiAgencyChallenge)
class MultiAgencyChallengeAdmin(SimpleHistoryAdmin):
    list_display = ("raised_on", "agency", "professional", "forwarded_on", "outcome")
    list_filter = ("agency", "outcome")
    date_hierarchy = "raised_on"
    raw_id_fields = ("child", "raised_by", "forwarded_by")


@admin.register(Feedback)
class FeedbackAdmin(SimpleHistoryAdmin):
    list_display = ("received_on", "respondent", "attribution", "consent_to_quote")
    list_filter = ("respondent", "consent_to_quote")
    raw_id_fields = ("conference", "recorded_by")


@admin.register(StageTimescale)
class StageTimescaleAdmin(admin.ModelAdmin):
    list_display = ("stage", "working_days")


@admin.register(Target)
class TargetAdmin(SimpleHistoryAdmin):
    list_display = ("year", "measure", "direction", "value", "set_by", "set_on")
    list_filter = ("year", "measure")
