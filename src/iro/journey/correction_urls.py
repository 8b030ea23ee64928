"""URLs of the pages that void and restore records (included at the root, each under
the record it acts on)."""

from django.urls import path

from iro.journey import correction_views as v

child = "children/<uuid:public_id>/"
conference = "conferences/<uuid:public_id>/"
plan = "plans/<uuid:public_id>/"
dispute = "disputes/<uuid:public_id>/"
challenge = "challenges/<uuid:public_id>/"

urlpatterns = [
    path(conference + "void", v.conference_void, name="conference_void"),
    path(conference + "restore", v.conference_restore, name="conference_restore"),
    path(
        conference + "children/<int:row_pk>/void",
        v.conference_child_void,
        name="conference_child_void",
    ),
    path(
        conference + "children/<int:row_pk>/restore",
        v.conference_child_restore,
        name="conference_child_restore",
    ),
    path(plan + "end/void", v.plan_end_void, name="plan_end_void"),
    path(plan + "end/restore", v.plan_end_restore, name="plan_end_restore"),
    path(dispute + "void", v.dispute_void, name="dispute_void"),
    path(dispute + "restore", v.dispute_restore, name="dispute_restore"),
    path(challenge + "void", v.challenge_void, name="challenge_void"),
    path(challenge + "restore", v.challenge_restore, name="challenge_restore"),
    path(child + "referrals/<int:pk>/void", v.referral_void, name="referral_void"),
    path(child + "referrals/<int:pk>/restore", v.referral_restore, name="referral_restore"),
    path(
        child + "strategy-discussions/<int:pk>/void",
        v.strategy_discussion_void,
        name="strategy_discussion_void",
    ),
    path(
        child + "strategy-discussions/<int:pk>/restore",
        v.strategy_discussion_restore,
        name="strategy_discussion_restore",
    ),
    path(child + "section-47/<int:pk>/void", v.section47_void, name="section47_void"),
    path(child + "section-47/<int:pk>/restore", v.section47_restore, name="section47_restore"),
]
