"""Subject access: everything held about one child, as JSON and as a readable tagged PDF.

``collect(child)`` gathers the record in a fixed number of queries whatever its size:
the child, their family and its history, episodes (Child in Need plans, strategy
discussions, Section 47 enquiries), the conferences the child was at (the child's own
row, the chair's meetings beforehand, invitations, feedback; other children's rows are
left out), plans (outcomes, actions, core group), disputes and their stages,
multi-agency challenges, the restricted-record access list, every history row of these
records, and the access log of who viewed or exported the record.

The JSON shape (``SCHEMA``) is stable: top-level keys as in ``SECTIONS``; each record is
an object of its model's fields (foreign keys to staff as usernames, other foreign keys
as ``<name>_id``, choices with a ``<name>_label``, dates ISO 8601); history rows add
``history_date``, ``history_type`` (``+`` created, ``~`` changed, ``-`` deleted) and
``history_user``. The export is for a person to review (and redact third parties)
before anything is disclosed; making it is access-logged.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time
from decimal import Decimal
from uuid import UUID

from django.conf import settings
from django.db import models
from django.template.loader import render_to_string
from django.utils import timezone

from iro.access.capabilities import Capability, require_capability
from iro.access.log import log_export
from iro.access.models import AccessLogEntry
from iro.access.scope import child_for
from iro.challenge.models import Dispute, DisputeStage, Feedback, MultiAgencyChallenge
from iro.children.models import Child, Family, RestrictedAccess
from iro.journey.models import (
    Assessment,
    CinPlanPeriod,
    Conference,
    ConferenceAmendment,
    ConferenceChild,
    ConferenceRecommendation,
    CoreGroupMember,
    Episode,
    Invitation,
    Plan,
    PlanAction,
    PlanOutcome,
    PreMeeting,
    Section47,
    StrategyDiscussion,
)
from iro.people.models import User

SCHEMA = "iro-subject-access/1"
PDF_VARIANT = "pdf/ua-1"
FORMATS = ("json", "pdf")
WHAT = "subject access export ({format})"

# Top-level keys of the JSON, in order, with the PDF's heading for each.
SECTIONS = {
    "child": "The child",
    "family": "Family",
    "episodes": "Referrals and Child in Need episodes",
    "conferences": "Conferences",
    "plans": "Child protection plans",
    "disputes": "Disputes",
    "multi_agency_challenges": "Multi-agency challenges",
    "restricted_access": "Who may see this restricted record",
    "history": "History of changes",
    "access_log": "Who has viewed or exported this record",
}


def _value(field: models.Field, obj) -> tuple[str, object]:
    if isinstance(field, models.ForeignKey):
        if field.related_model is User:
            user = getattr(obj, field.name)
            return field.name, user.username if user else None
        return field.attname, getattr(obj, field.attname)
    value = getattr(obj, field.attname)
    if isinstance(value, (date, datetime, time)):
        value = value.isoformat()
    elif isinstance(value, (UUID, Decimal)):
        value = str(value)
    return field.name, value


def record(obj, *, exclude: tuple[str, ...] = ()) -> dict:
    """A model instance as a JSON-ready dict of its fields."""
    out: dict[str, object] = {}
    for field in obj._meta.concrete_fields:
        if field.name in exclude or field.attname in exclude:
            continue
        key, value = _value(field, obj)
        out[key] = value
        if field.choices and not isinstance(field, models.ForeignKey):
            out[f"{field.name}_label"] = getattr(obj, f"get_{field.name}_display")()
    return out


def _history(model, pks) -> list[dict]:
    rows = (
        model.history.filter(id__in=list(pks))
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    out = []
    for row in rows:
        item = {
            "history_date": row.history_date.isoformat(),
            "history_type": row.history_type,
            "history_user": row.history_user.username if row.history_user else None,
        }
        for field in model._meta.concrete_fields:
            if isinstance(field, models.ForeignKey):
                item[field.attname] = getattr(row, field.attname)
            else:
                item[field.name] = _value(field, row)[1]
        out.append(item)
    return out


def _by(rows, key: str) -> dict[int, list]:
    grouped: dict[int, list] = {}
    for row in rows:
        grouped.setdefault(getattr(row, key), []).append(row)
    return grouped


def _user_fks(model) -> list[str]:
    return [
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, models.ForeignKey) and f.related_model is User
    ]


def _q(model):
    # Voided records are still held about the child: ``all_objects`` keeps them.
    return getattr(model, "all_objects", model.objects).select_related(*_user_fks(model))


def collect(child: Child) -> dict:
    """Everything held about ``child``, in the documented shape. Access is the caller's."""
    child = _q(Child).get(pk=child.pk)
    family = Family.objects.filter(pk=child.family_id).first()
    episodes = list(_q(Episode).filter(child=child).order_by("referral_date", "pk"))
    episode_ids = [e.pk for e in episodes]
    cin_plans = _by(CinPlanPeriod.objects.filter(episode_id__in=episode_ids), "episode_id")
    assessments = _by(Assessment.objects.filter(episode_id__in=episode_ids), "episode_id")
    discussions = list(_q(StrategyDiscussion).filter(episode_id__in=episode_ids))
    section47s = list(Section47.all_objects.filter(episode_id__in=episode_ids))
    rows = list(
        ConferenceChild.all_objects.filter(child=child)
        .select_related("conference__chair", "conference__late_decided_by")
        .order_by("conference__scheduled_date", "conference__held_on", "conference__pk")
    )
    conference_ids = [r.conference_id for r in rows]
    pre_meetings = {
        p.conference_child_id: p for p in PreMeeting.objects.filter(conference_child__in=rows)
    }
    invitations = _by(Invitation.objects.filter(conference_id__in=conference_ids), "conference_id")
    recommendations = _by(
        ConferenceRecommendation.objects.filter(conference_child__in=rows), "conference_child_id"
    )
    amendments = _by(
        ConferenceAmendment.objects.filter(conference_id__in=conference_ids).select_related(
            "amended_by"
        ),
        "conference_id",
    )
    feedback = _by(_q(Feedback).filter(conference_id__in=conference_ids), "conference_id")
    plans = list(Plan.all_objects.filter(child=child).order_by("start_date", "pk"))
    plan_ids = [p.pk for p in plans]
    outcomes = _by(PlanOutcome.objects.filter(plan_id__in=plan_ids), "plan_id")
    actions = _by(PlanAction.objects.filter(plan_id__in=plan_ids), "plan_id")
    core_group = _by(CoreGroupMember.objects.filter(plan_id__in=plan_ids), "plan_id")
    disputes = list(_q(Dispute).filter(child=child).order_by("raised_on", "pk"))
    stages = _by(DisputeStage.objects.filter(dispute__in=disputes), "dispute_id")
    challenges = list(_q(MultiAgencyChallenge).filter(child=child).order_by("raised_on", "pk"))
    access = list(_q(RestrictedAccess).filter(child=child))
    log = list(
        AccessLogEntry.objects.filter(child=child).select_related("user").order_by("at", "pk")
    )

    all_invitations = [i for group in invitations.values() for i in group]
    all_feedback = [f for group in feedback.values() for f in group]
    all_stages = [s for group in stages.values() for s in group]
    history_of = [
        ("child", Child, [child.pk]),
        ("family", Family, [family.pk] if family else []),
        ("episode", Episode, episode_ids),
        ("cin_plan", CinPlanPeriod, [c.pk for g in cin_plans.values() for c in g]),
        ("assessment", Assessment, [a.pk for g in assessments.values() for a in g]),
        ("strategy_discussion", StrategyDiscussion, [d.pk for d in discussions]),
        ("section47", Section47, [s.pk for s in section47s]),
        ("conference", Conference, conference_ids),
        ("conference_child", ConferenceChild, [r.pk for r in rows]),
        ("pre_meeting", PreMeeting, [p.pk for p in pre_meetings.values()]),
        ("invitation", Invitation, [i.pk for i in all_invitations]),
        (
            "conference_recommendation",
            ConferenceRecommendation,
            [x.pk for g in recommendations.values() for x in g],
        ),
        ("feedback", Feedback, [f.pk for f in all_feedback]),
        ("plan", Plan, plan_ids),
        ("plan_outcome", PlanOutcome, [o.pk for g in outcomes.values() for o in g]),
        ("plan_action", PlanAction, [a.pk for g in actions.values() for a in g]),
        ("core_group_member", CoreGroupMember, [m.pk for g in core_group.values() for m in g]),
        ("dispute", Dispute, [d.pk for d in disputes]),
        ("dispute_stage", DisputeStage, [s.pk for s in all_stages]),
        ("multi_agency_challenge", MultiAgencyChallenge, [c.pk for c in challenges]),
    ]
    history = {name: _history(model, pks) for name, model, pks in history_of}
    # The access list's history includes entries since removed, so it is read by child.
    history["restricted_access"] = [
        {
            "history_date": h.history_date.isoformat(),
            "history_type": h.history_type,
            "history_user": h.history_user.username if h.history_user else None,
            "user": h.user.username if h.user else None,
        }
        for h in RestrictedAccess.history.filter(child_id=child.pk)
        .select_related("history_user", "user")
        .order_by("history_date", "history_id")
    ]

    def episode_record(e: Episode) -> dict:
        return record(e) | {
            "assessments": [record(a) for a in assessments.get(e.pk, [])],
            "cin_plans": [record(c) for c in cin_plans.get(e.pk, [])],
            "strategy_discussions": [record(d) for d in discussions if d.episode_id == e.pk],
            "section47s": [record(s) for s in section47s if s.episode_id == e.pk],
        }

    def conference_record(r: ConferenceChild) -> dict:
        pre = pre_meetings.get(r.pk)
        return record(r.conference) | {
            "row": record(r),
            "pre_meeting": record(pre) if pre else None,
            "invitations": [record(i) for i in invitations.get(r.conference_id, [])],
            "recommendations": [record(x) for x in recommendations.get(r.pk, [])],
            # Each correction of the record, with what changed for this child only.
            "amendments": [
                record(a, exclude=("changes",))
                | {"changes": [c for c in a.changes if c.get("child") == child.pk]}
                for a in amendments.get(r.conference_id, [])
            ],
            "feedback": [record(f) for f in feedback.get(r.conference_id, [])],
        }

    return {
        "schema": SCHEMA,
        "child": record(child),
        "family": record(family) if family else None,
        "episodes": [episode_record(e) for e in episodes],
        "conferences": [conference_record(r) for r in rows],
        "plans": [
            record(p)
            | {
                "outcomes": [record(o) for o in outcomes.get(p.pk, [])],
                "actions": [record(a) for a in actions.get(p.pk, [])],
                "core_group": [record(m) for m in core_group.get(p.pk, [])],
            }
            for p in plans
        ],
        "disputes": [
            record(d) | {"stages": [record(s) for s in stages.get(d.pk, [])]} for d in disputes
        ],
        "multi_agency_challenges": [record(c) for c in challenges],
        "restricted_access": [record(a) for a in access],
        "history": history,
        "access_log": [
            {
                "at": e.at.isoformat(),
                "user": e.user.username,
                "event": e.event,
                "what": e.what,
            }
            for e in log
        ],
    }


# ------------------------------------------------------------------------- output


def _words(value) -> str:
    """A value as a person reads it: dates in words, yes/no, blanks as 'Not recorded'."""
    if value is None or value == "" or value == []:
        return "Not recorded"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, str) and len(value) >= 10 and value[4] == "-" and value[7] == "-":
        try:
            if len(value) == 10:
                d = date.fromisoformat(value)
                return f"{d.day} {d:%B %Y}"
            moment = timezone.localtime(datetime.fromisoformat(value))
            return f"{moment.day} {moment:%B %Y at %H:%M}"
        except ValueError:
            pass
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


LABELS = {
    "la_child_id": "LA child ID",
    "upn": "UPN",
    "former_upn": "Former UPN",
    "upn_unknown": "UPN unknown reason",
    "referral_nfa": "Referral: no further action",
}


def _label(key: str) -> str:
    return LABELS.get(key) or key.replace("_", " ").capitalize().replace("Icpc", "ICPC")


def _pairs(item: dict) -> list[tuple[str, str]]:
    """The plain fields of a record, labels in words; a choice shows its label."""
    out = []
    for key, value in item.items():
        if isinstance(value, dict) or (
            isinstance(value, list) and key not in ("disabilities", "factors")
        ):
            continue  # a part of the record, shown under its own heading
        internal = key.endswith("_id") and key != "la_child_id"
        if internal or key.endswith("_label") or key in ("id", "public_id", "version"):
            continue
        shown = item.get(f"{key}_label") if f"{key}_label" in item else value
        out.append((_label(key), _words(shown)))
    return out


def _blocks(title: str, items: list[dict], children: tuple[tuple[str, str], ...] = ()) -> list:
    blocks = []
    for number, item in enumerate(items, start=1):
        subs = []
        for key, heading in children:
            value = item.get(key)
            if isinstance(value, dict):
                subs.append({"title": heading, "pairs": _pairs(value)})
            elif value:
                for n, sub in enumerate(value, start=1):
                    subs.append({"title": f"{heading} {n}", "pairs": _pairs(sub)})
        blocks.append({"title": f"{title} {number}", "pairs": _pairs(item), "subs": subs})
    return blocks


def presentation(data: dict) -> list[dict]:
    """The sections of the PDF: a heading each and blocks of label/value pairs."""
    sections = [
        {"heading": SECTIONS["child"], "blocks": [{"title": "", "pairs": _pairs(data["child"])}]},
        {
            "heading": SECTIONS["family"],
            "blocks": [{"title": "", "pairs": _pairs(data["family"])}] if data["family"] else [],
        },
        {
            "heading": SECTIONS["episodes"],
            "blocks": _blocks(
                "Episode",
                data["episodes"],
                (
                    ("assessments", "Assessment"),
                    ("cin_plans", "Child in Need plan"),
                    ("strategy_discussions", "Strategy discussion"),
                    ("section47s", "Section 47 enquiry"),
                ),
            ),
        },
        {
            "heading": SECTIONS["conferences"],
            "blocks": _blocks(
                "Conference",
                data["conferences"],
                (
                    ("row", "This child at the conference"),
                    ("pre_meeting", "Before the conference"),
                    ("invitations", "Invitation"),
                    ("feedback", "Feedback"),
                ),
            ),
        },
        {
            "heading": SECTIONS["plans"],
            "blocks": _blocks(
                "Plan",
                data["plans"],
                (
                    ("outcomes", "Outcome"),
                    ("actions", "Action"),
                    ("core_group", "Core group member"),
                ),
            ),
        },
        {
            "heading": SECTIONS["disputes"],
            "blocks": _blocks("Dispute", data["disputes"], (("stages", "Stage"),)),
        },
        {
            "heading": SECTIONS["multi_agency_challenges"],
            "blocks": _blocks("Challenge", data["multi_agency_challenges"]),
        },
        {
            "heading": SECTIONS["restricted_access"],
            "blocks": _blocks("Person", data["restricted_access"]),
        },
    ]
    types = {"+": "Created", "~": "Changed", "-": "Deleted"}
    history_rows = sorted(
        (
            (row["history_date"], name, row)
            for name, rows in data["history"].items()
            for row in rows
        ),
        key=lambda t: t[0],
    )
    sections.append(
        {
            "heading": SECTIONS["history"],
            "table": {
                "head": ("When", "Record", "Change", "By"),
                "rows": [
                    (
                        _words(when),
                        _label(name),
                        types.get(row["history_type"], row["history_type"]),
                        row["history_user"] or "Not recorded",
                    )
                    for when, name, row in history_rows
                ],
            },
        }
    )
    sections.append(
        {
            "heading": SECTIONS["access_log"],
            "table": {
                "head": ("When", "Who", "What"),
                "rows": [
                    (_words(e["at"]), e["user"], f"{e['event'].capitalize()}: {e['what']}")
                    for e in data["access_log"]
                ],
            },
        }
    )
    return sections


def render_json(data: dict) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def render_html(data: dict, *, name: str) -> str:
    return render_to_string(
        "rights/subject_access.html",
        {
            "name": name,
            "la_child_id": data["child"]["la_child_id"],
            "council_name": settings.COUNCIL_NAME,
            "generated_on": _words(timezone.localdate().isoformat()),
            "sections": presentation(data),
        },
    )


def render_pdf(data: dict, *, name: str) -> bytes:
    """The record as a tagged PDF (PDF/UA-1) with its language set."""
    from weasyprint import HTML  # imported here: loading it costs a second at start-up

    html = render_html(data, name=name)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(pdf_variant=PDF_VARIANT)


def export(*, user, public_id, output_format: str) -> tuple[Child, bytes]:
    """The export for ``user`` (who must hold the capability and see the child), logged."""
    require_capability(user, Capability.EXPORT_SUBJECT_ACCESS)
    child = child_for(user, public_id)
    if output_format not in FORMATS:
        raise ValueError(f"Choose a format: {' or '.join(FORMATS)}.")
    data = collect(child)
    data["generated_at"] = timezone.now().isoformat()
    data["generated_by"] = user.username
    if output_format == "json":
        content = render_json(data)
    else:
        content = render_pdf(data, name=child.full_name or f"Child {child.la_child_id}")
    log_export(
        user=user,
        what=WHAT.format(format=output_format),
        children=[child.pk],
        detail={"la_child_id": child.la_child_id, "format": output_format},
    )
    return child, content
