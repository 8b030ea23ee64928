"""A manager's decision on a late conference: agreed or reason not accepted, with a
comment. ``late_agreed_by``/``late_agreed_on`` become ``late_decided_by``/``_on``, and
every conference already agreed gets the decision "agreed" (its history rows too)."""

from django.db import migrations, models


def agreed_so_far(apps, schema_editor):
    for name in ("Conference", "HistoricalConference"):
        model = apps.get_model("journey", name)
        model._base_manager.filter(late_decided_by__isnull=False).update(late_decision="agreed")


def undecided(apps, schema_editor):
    for name in ("Conference", "HistoricalConference"):
        model = apps.get_model("journey", name)
        model._base_manager.filter(late_decision="not_agreed").update(
            late_decided_by=None, late_decided_on=None
        )


class Migration(migrations.Migration):
    dependencies = [
        ("journey", "0013_invitee_role_team_manager"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="conference",
            name="conference_late_to_agree_idx",
        ),
        migrations.RenameField(
            model_name="conference", old_name="late_agreed_by", new_name="late_decided_by"
        ),
        migrations.RenameField(
            model_name="conference", old_name="late_agreed_on", new_name="late_decided_on"
        ),
        migrations.RenameField(
            model_name="historicalconference",
            old_name="late_agreed_by",
            new_name="late_decided_by",
        ),
        migrations.RenameField(
            model_name="historicalconference",
            old_name="late_agreed_on",
            new_name="late_decided_on",
        ),
        migrations.AddField(
            model_name="conference",
            name="late_decision",
            field=models.CharField(
                blank=True,
                choices=[("agreed", "Agreed"), ("not_agreed", "Reason not accepted")],
                help_text="Empty while the lateness waits for a manager's decision.",
                max_length=10,
                verbose_name="manager's decision on the lateness",
            ),
        ),
        migrations.AddField(
            model_name="conference",
            name="late_decision_comment",
            field=models.TextField(
                blank=True,
                help_text="Required when the reason is not accepted, optional when agreed.",
                verbose_name="manager's comment on the lateness",
            ),
        ),
        migrations.AddField(
            model_name="historicalconference",
            name="late_decision",
            field=models.CharField(
                blank=True,
                choices=[("agreed", "Agreed"), ("not_agreed", "Reason not accepted")],
                help_text="Empty while the lateness waits for a manager's decision.",
                max_length=10,
                verbose_name="manager's decision on the lateness",
            ),
        ),
        migrations.AddField(
            model_name="historicalconference",
            name="late_decision_comment",
            field=models.TextField(
                blank=True,
                help_text="Required when the reason is not accepted, optional when agreed.",
                verbose_name="manager's comment on the lateness",
            ),
        ),
        migrations.RunPython(agreed_so_far, undecided),
        migrations.AddIndex(
            model_name="conference",
            index=models.Index(
                condition=models.Q(("late_decision", ""), models.Q(("lateness_reason", ""), _negated=True)),
                fields=["held_on"],
                name="conference_late_to_decide_idx",
            ),
        ),
    ]
