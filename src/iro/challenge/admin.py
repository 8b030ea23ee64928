from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from iro.challenge.models import StageTimescale, Target

# Disputes, multi-agency challenges and feedback are case records about children:
# they are read and written through the service's pages (which check the user's
# access to each child), never through the Django admin.


@admin.register(StageTimescale)
class StageTimescaleAdmin(admin.ModelAdmin):
    list_display = ("stage", "working_days")


@admin.register(Target)
class TargetAdmin(SimpleHistoryAdmin):
    list_display = ("year", "measure", "direction", "value", "set_by", "set_on")
    list_filter = ("year", "measure")
