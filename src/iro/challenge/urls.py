"""URLs of the dispute, multi-agency challenge and feedback pages (included at the root:
a child's pages live under ``/children/<id>/``, a conference's under ``/conferences/<id>/``)."""

from django.urls import path

from iro.challenge import figure_views, given_views, views

child = "children/<uuid:public_id>/"
dispute = "disputes/<uuid:public_id>/"
challenge = "challenges/<uuid:public_id>/"
conference = "conferences/<uuid:public_id>/"

urlpatterns = [
    path(child + "disputes/", views.child_worries, name="child_worries"),
    path(child + "disputes/new", views.dispute_new, name="dispute_new"),
    path(child + "challenges/new", views.challenge_new, name="challenge_new"),
    path("disputes/", views.dispute_list, name="dispute_list"),
    path(dispute, views.dispute_detail, name="dispute_detail"),
    path(dispute + "response", views.dispute_response, name="dispute_response"),
    path(dispute + "escalate", views.dispute_escalate, name="dispute_escalate"),
    path(dispute + "resolve", views.dispute_resolve, name="dispute_resolve"),
    path(dispute + "answer", views.dispute_answer, name="dispute_answer"),
    path("disputes/waiting", views.disputes_waiting, name="disputes_waiting"),
    path("targets/", views.target_list, name="target_list"),
    path("targets/<str:year>/<str:measure>", views.target_edit, name="target_edit"),
    path("figures/", figure_views.report_figures, name="report_figures"),
    path("figures/hours/<int:pk>", figure_views.working_hours_edit, name="working_hours_edit"),
    path("figures/<str:year>/population", figure_views.population_edit, name="population_edit"),
    path(
        "figures/<str:year>/comparisons/<str:measure>",
        figure_views.comparison_edit,
        name="comparison_edit",
    ),
    path("challenges/", views.challenge_list, name="challenge_list"),
    path(challenge, views.challenge_detail, name="challenge_detail"),
    path(challenge + "forward", views.challenge_forward, name="challenge_forward"),
    path(challenge + "response", views.challenge_response, name="challenge_response"),
    path("quotes/", views.quote_list, name="quote_list"),
    path("quotes/<int:pk>", views.quote_review, name="quote_review"),
    path("quotes/<int:pk>/feature", views.quote_feature, name="quote_feature"),
    path(conference + "feedback", views.conference_feedback, name="conference_feedback"),
    path(
        conference + "feedback/<int:pk>/withdraw-consent",
        views.feedback_withdraw_consent,
        name="feedback_withdraw_consent",
    ),
    path(
        conference + "feedback-links/<int:pk>/letter",
        views.feedback_letter,
        name="feedback_letter",
    ),
    # The public pages (no sign-in: iro.access.middleware.OPEN_PREFIXES).
    path("feedback/", given_views.feedback_code, name="feedback_code"),
    path("feedback/<str:token>", given_views.feedback_give, name="feedback_give"),
]
