"""The child: identifiers, characteristics, family and allocation."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class Sex(models.TextChoices):
    MALE = "M", "Male"
    FEMALE = "F", "Female"
    UNKNOWN = "U", "Not known"


class Ethnicity(models.TextChoices):
    WBRI = "WBRI", "White British"
    WIRI = "WIRI", "White Irish"
    WIRT = "WIRT", "Traveller of Irish heritage"
    WOTH = "WOTH", "Any other White background"
    WROM = "WROM", "Gypsy/Roma"
    MWBC = "MWBC", "White and Black Caribbean"
    MWBA = "MWBA", "White and Black African"
    MWAS = "MWAS", "White and Asian"
    MOTH = "MOTH", "Any other mixed background"
    AIND = "AIND", "Indian"
    APKN = "APKN", "Pakistani"
    ABAN = "ABAN", "Bangladeshi"
    AOTH = "AOTH", "Any other Asian background"
    BCRB = "BCRB", "Caribbean"
    BAFR = "BAFR", "African"
    BOTH = "BOTH", "Any other Black background"
    CHNE = "CHNE", "Chinese"
    OOTH = "OOTH", "Any other ethnic group"
    REFU = "REFU", "Refused"
    NOBT = "NOBT", "Information not yet obtained"


class Disability(models.TextChoices):
    NONE = "NONE", "No disability"
    MOB = "MOB", "Mobility"
    HAND = "HAND", "Hand function"
    PC = "PC", "Personal care"
    INC = "INC", "Incontinence"
    COMM = "COMM", "Communication"
    LD = "LD", "Learning"
    HEAR = "HEAR", "Hearing"
    VIS = "VIS", "Vision"
    BEH = "BEH", "Behaviour"
    CON = "CON", "Consciousness"
    AUT = "AUT", "Autism or Asperger syndrome"
    DDA = "DDA", "Other DDA"


class Family(models.Model):
    """A household: children of one family share conferences as a sibling group."""

    name = models.CharField(max_length=160)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "families"

    def __str__(self) -> str:
        return self.name


class Child(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    la_child_id = models.CharField("LA child ID", max_length=40, unique=True)
    first_name = models.CharField(max_length=80, blank=True)
    last_name = models.CharField(max_length=80, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    expected_date_of_birth = models.DateField(
        null=True, blank=True, help_text="For an unborn child."
    )
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    ethnicity = models.CharField(max_length=4, choices=Ethnicity.choices, default="NOBT")
    disabilities = models.JSONField(default=list, blank=True)
    upn = models.CharField("UPN", max_length=13, blank=True)
    former_upn = models.CharField("former UPN", max_length=13, blank=True)
    upn_unknown = models.CharField("UPN unknown reason", max_length=3, blank=True)
    date_of_death = models.DateField(null=True, blank=True)
    preferred_language = models.CharField(max_length=60, blank=True, default="English")
    family = models.ForeignKey(
        Family, null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    team = models.ForeignKey(
        "people.Team",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="The social work team the child is allocated to.",
    )
    social_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="allocated_children",
    )
    restricted = models.BooleanField(
        default=False,
        help_text="Only the people on the child's access list may see the record "
        "(see RestrictedAccess).",
    )
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "children"
        ordering = ["last_name", "first_name", "la_child_id"]

    def __str__(self) -> str:
        return self.full_name or self.la_child_id

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class RestrictedAccess(models.Model):
    """A person named on a restricted child's access list (for example when the child is
    a member of staff's relative). For a restricted child this list is the only way in;
    it is set by the IRO service manager through ``children.services.set_restriction``."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="restricted_access")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="restricted_children"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["child", "user__last_name", "user__first_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["child", "user"], name="one_access_per_user_child")
        ]
        verbose_name = "restricted record access"
        verbose_name_plural = "restricted record access"

    def __str__(self) -> str:
        return f"{self.user} may see {self.child.la_child_id}"
