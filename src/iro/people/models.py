"""Staff and structure: users with a role, social work teams, agencies, closure days."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from simple_history.models import HistoricalRecords


class Role(models.TextChoices):
    IRO = "iro", "Independent Reviewing Officer"
    IRO_MANAGER = "iro_manager", "IRO service manager"
    COORDINATOR = "coordinator", "Conference coordinator"
    SOCIAL_WORKER = "social_worker", "Social worker"
    TEAM_MANAGER = "team_manager", "Team manager"
    SENIOR_MANAGER = "senior_manager", "Senior manager"
    ANALYST = "analyst", "Performance analyst"
    PARTNERSHIP = "partnership", "Safeguarding partnership officer"
    ADMIN = "admin", "Administrator"


# The roles that chair conferences: the IROs and their manager.
CHAIR_ROLES = (Role.IRO, Role.IRO_MANAGER)


class User(AbstractUser):
    """A member of staff. Children, parents and professionals never log in."""

    role = models.CharField(max_length=20, choices=Role.choices)
    team = models.ForeignKey(
        "people.Team",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        help_text="The social work team this person works in (social workers, team managers).",
    )
    line_manager = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    job_title = models.CharField(max_length=120, blank=True)
    # The password hash is never copied into the history (the admin's history page
    # showed it in full); a change of password is a row with no change shown.
    history = HistoricalRecords(excluded_fields=["password"])

    class Meta:
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def chairs_conferences(self) -> bool:
        """Whether they may be given conferences to chair: an IRO or their manager, still
        signing in (``people.selectors.iros`` reads the same rule)."""
        return self.is_active and self.role in CHAIR_ROLES

    def has_perm(self, perm: str, obj=None) -> bool:
        # Django answers True for an active superuser before asking any backend. The
        # permissions over children's records are the service's access rule
        # (iro.access.scope) and nobody bypasses it, superusers included.
        if perm in OBJECT_RULE_PERMISSIONS:
            import rules

            return self.is_active and rules.has_perm(perm, self, obj)
        return super().has_perm(perm, obj)


# Permissions decided only by the project's rules (see iro.access.scope).
OBJECT_RULE_PERMISSIONS = frozenset({"children.view_child"})


class Team(models.Model):
    """A social work team, with its manager and the IRO linked to it for advice."""

    name = models.CharField(max_length=120, unique=True)
    manager = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="managed_teams"
    )
    link_iro = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="linked_teams"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AgencyKind(models.TextChoices):
    SOCIAL_CARE = "social_care", "Children's social care"
    POLICE = "police", "Police"
    HEALTH = "health", "Health"
    EDUCATION = "education", "Education"
    PROBATION = "probation", "Probation"
    HOUSING = "housing", "Housing"
    ADVOCACY = "advocacy", "Advocacy"
    VOLUNTARY = "voluntary", "Voluntary sector"
    OTHER = "other", "Other"


class Agency(models.Model):
    name = models.CharField(max_length=160, unique=True)
    kind = models.CharField(max_length=20, choices=AgencyKind.choices)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name


class ClosureDay(models.Model):
    """A local non-working day (beyond bank holidays) that stops the timescale clock."""

    date = models.DateField(unique=True)
    description = models.CharField(max_length=160)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%-d %b %Y}: {self.description}"


class Leave(models.Model):
    """A period a member of staff is away (annual leave, training, sickness): they are
    not booked to chair on these days and their conferences show as needing cover."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="leave")
    start_date = models.DateField()
    end_date = models.DateField(help_text="The last day away (inclusive).")
    description = models.CharField(max_length=160, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["user", "start_date", "pk"]
        verbose_name_plural = "leave"
        indexes = [models.Index(fields=["user", "start_date"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="leave_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        if self.start_date == self.end_date:
            return f"{self.user} away on {self.start_date:%-d %b %Y}"
        return f"{self.user} away {self.start_date:%-d %b %Y} to {self.end_date:%-d %b %Y}"
