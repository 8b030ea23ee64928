"""URLs of the conference and plan pages (included from ``journey.urls``)."""

from django.urls import include, path

from iro.journey import conference_views as cv
from iro.journey import plan_views as pv

conference = "conferences/<uuid:public_id>/"
plan = "plans/<uuid:public_id>/"

urlpatterns = [
    path("children/<uuid:public_id>/protection/", cv.child_protection, name="child_protection"),
    path(
        "children/<uuid:public_id>/strategy-discussions/new",
        cv.strategy_discussion_new,
        name="strategy_discussion_new",
    ),
    path(
        "children/<uuid:public_id>/section-47/<int:pk>/icpc",
        cv.section47_icpc,
        name="section47_icpc",
    ),
    path(
        "children/<uuid:public_id>/referrals/<int:pk>/date",
        cv.referral_date_correct,
        name="referral_date",
    ),
    path(
        "children/<uuid:public_id>/section-47/<int:pk>/date",
        cv.section47_date,
        name="section47_date",
    ),
    path("children/<uuid:public_id>/conferences/new", cv.conference_new, name="conference_new"),
    path(conference, cv.conference_detail, name="conference_detail"),
    path(conference + "schedule", cv.conference_schedule, name="conference_schedule"),
    path(conference + "cancel", cv.conference_cancel, name="conference_cancel"),
    path(conference + "children/add", cv.conference_add_children, name="conference_add_children"),
    path(
        conference + "children/remove",
        cv.conference_remove_child,
        name="conference_remove_child",
    ),
    path(conference + "chair", cv.conference_chair, name="conference_chair"),
    path(conference + "invitations", cv.conference_invitations, name="conference_invitations"),
    path(
        conference + "invitations/send",
        cv.conference_invitations_send,
        name="conference_invitations_send",
    ),
    path(
        conference + "invitations/keep",
        cv.conference_invitations_keep,
        name="conference_invitations_keep",
    ),
    path(
        conference + "invitations/<int:pk>/contact",
        cv.conference_invitation_contact,
        name="conference_invitation_contact",
    ),
    path(
        conference + "invitations/<int:pk>/remove",
        cv.conference_invitation_remove,
        name="conference_invitation_remove",
    ),
    path(
        conference + "invitations/<int:pk>/posted",
        cv.conference_invitation_posted,
        name="conference_invitation_posted",
    ),
    path(
        conference + "invitations/<int:pk>/letter",
        cv.conference_invitation_letter,
        name="conference_invitation_letter",
    ),
    path(
        conference + "invitations/<int:pk>/letter.pdf",
        cv.conference_invitation_letter_pdf,
        name="conference_invitation_letter_pdf",
    ),
    path(conference + "attendance", cv.conference_attendance, name="conference_attendance"),
    path(conference + "pre-meetings", cv.conference_pre_meetings, name="conference_pre_meetings"),
    path(
        conference + "pre-meetings/<int:row_pk>",
        cv.conference_pre_meeting,
        name="conference_pre_meeting",
    ),
    path(conference + "record", cv.conference_record, name="conference_record"),
    path(conference + "amend", cv.conference_amend, name="conference_amend"),
    path(conference + "history", cv.conference_history, name="conference_history"),
    path(conference + "held-date", cv.conference_held_date, name="conference_held_date"),
    path(conference + "report", cv.conference_report, name="conference_report"),
    path(conference + "agree-late", cv.conference_agree_late, name="conference_agree_late"),
    path(conference + "minutes-sent", cv.conference_minutes_sent, name="conference_minutes_sent"),
    path(conference + "minutes", cv.conference_minutes, name="conference_minutes"),
    path(conference + "minutes.pdf", cv.conference_minutes_pdf, name="conference_minutes_pdf"),
    path(conference + "plan", cv.conference_plans, name="conference_plans"),
    path(plan, pv.plan_detail, name="plan_detail"),
    path(plan + "outcomes/new", pv.plan_outcome, name="plan_outcome_new"),
    path(plan + "outcomes/<int:pk>", pv.plan_outcome, name="plan_outcome"),
    path(plan + "actions/new", pv.plan_action, name="plan_action_new"),
    path(plan + "actions/review", pv.plan_actions_review, name="plan_actions_review"),
    path(plan + "actions/<int:pk>", pv.plan_action, name="plan_action"),
    path(plan + "actions/<int:pk>/progress", pv.plan_action_progress, name="plan_action_progress"),
    path(plan + "core-group", pv.plan_core_group, name="plan_core_group"),
    path(plan + "core-group/keep", pv.plan_core_group_keep, name="plan_core_group_keep"),
    path(
        plan + "core-group/<int:pk>/leave",
        pv.plan_core_group_leave,
        name="plan_core_group_leave",
    ),
    path(plan + "end", pv.plan_end, name="plan_end"),
    path("", include("iro.documents.urls")),
]
