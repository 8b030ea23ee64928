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
        # What the search in the header looks up (names go through ChildSearchTerm).
        indexes = [
            models.Index(fields=["upn"], name="child_upn_idx"),
            models.Index(fields=["former_upn"], name="child_former_upn_idx"),
            models.Index(fields=["date_of_birth"], name="child_dob_idx"),
            models.Index(fields=["expected_date_of_birth"], name="child_expected_dob_idx"),
            # The caseload's order (the default ordering): a page of a region's 96,000
            # children is read from the index, not sorted from all of them (97 ms).
            models.Index(
                fields=["last_name", "first_name", "la_child_id"], name="child_name_order_idx"
            ),
            # The same order within a team (the caseload filtered by team): without it,
            # PostgreSQL walked the name order through every team's children to find 50
            # of one (37,000 rows read, 20 ms; with it, 5 ms).
            models.Index(
                fields=["team", "last_name", "first_name", "la_child_id"],
                name="child_team_name_order_idx",
            ),
        ]

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


class ChildSearchTerm(models.Model):
    """One searchable piece of a child's names (``children.search``): every ending of
    each word of their first name, last name and family's name, folded (accents and case
    removed), so that any part of a name is a *prefix* of a stored term and an index
    finds it on SQLite and PostgreSQL alike. Derived from the child's record and
    rewritten by ``children.search.index_child`` whenever the names change, so it keeps
    no history of its own (the child's history holds the names)."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="search_terms")
    term = models.CharField(max_length=80)
    word_start = models.BooleanField(
        default=False, help_text="The term is a whole word, not the ending of one."
    )

    class Meta:
        indexes = [models.Index(fields=["term"], name="child_search_term_idx")]

    def __str__(self) -> str:
        return self.term


class Relationship(models.TextChoices):
    MOTHER = "mother", "Mother"
    FATHER = "father", "Father"
    STEP_PARENT = "step_parent", "Step-parent or parent's partner"
    GRANDPARENT = "grandparent", "Grandparent"
    OTHER_RELATIVE = "relative", "Other relative"
    CARER = "carer", "Carer (not a relative)"
    OTHER = "other", "Other"


class FamilyMember(models.Model):
    """An adult around the family's children: a parent, carer or relative, with the
    details the service needs to reach them (invitations, letters, interpreters)."""

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="adults")
    name = models.CharField(max_length=160)
    relationship = models.CharField(max_length=12, choices=Relationship.choices)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    address = models.TextField(blank=True)
    preferred_language = models.CharField(max_length=60, blank=True, default="English")
    interpreter_needed = models.BooleanField(default=False)
    # Their address and contact details are not to reach the rest of the family (after
    # domestic abuse, say). iro never puts one adult's details in another's letter or
    # document; this tells everyone who reads, copies or changes them.
    contact_withheld = models.BooleanField(default=False)
    # Moves on at each change: a form from a stale page is refused (no lost update).
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["family", "pk"]

    def __str__(self) -> str:
        return self.name
