from django.urls import path

from iro.api import pages, views

# The API, under /api/ (its own authentication: a token or the session).
api_patterns = [
    path("api/schema/", views.SchemaView.as_view(), name="api_schema"),
    path("api/docs/", pages.docs, name="api_docs"),
    path("api/children/", views.ChildList.as_view(), name="api_children"),
    path("api/children/<uuid:public_id>/", views.ChildDetail.as_view(), name="api_child"),
    path(
        "api/children/<uuid:public_id>/journey/",
        views.ChildJourney.as_view(),
        name="api_child_journey",
    ),
    path("api/conferences/", views.ConferenceList.as_view(), name="api_conferences"),
    path(
        "api/conferences/<uuid:public_id>/",
        views.ConferenceDetail.as_view(),
        name="api_conference",
    ),
    path(
        "api/conferences/<uuid:public_id>/chair/",
        views.ConferenceChair.as_view(),
        name="api_conference_chair",
    ),
    path(
        "api/conferences/<uuid:public_id>/record/",
        views.ConferenceRecord.as_view(),
        name="api_conference_record",
    ),
    path(
        "api/conferences/<uuid:public_id>/feedback/",
        views.ConferenceFeedback.as_view(),
        name="api_conference_feedback",
    ),
    path("api/plans/", views.PlanList.as_view(), name="api_plans"),
    path("api/plans/<uuid:public_id>/", views.PlanDetail.as_view(), name="api_plan"),
    path(
        "api/plans/<uuid:public_id>/outcomes/",
        views.PlanOutcomes.as_view(),
        name="api_plan_outcomes",
    ),
    path(
        "api/plans/<uuid:public_id>/actions/<int:pk>/progress/",
        views.ActionProgress.as_view(),
        name="api_action_progress",
    ),
    path("api/disputes/", views.DisputeList.as_view(), name="api_disputes"),
    path("api/disputes/<uuid:public_id>/", views.DisputeDetail.as_view(), name="api_dispute"),
    path(
        "api/disputes/<uuid:public_id>/escalate/",
        views.DisputeEscalate.as_view(),
        name="api_dispute_escalate",
    ),
    path(
        "api/disputes/<uuid:public_id>/resolve/",
        views.DisputeResolve.as_view(),
        name="api_dispute_resolve",
    ),
    path(
        "api/disputes/<uuid:public_id>/responses/",
        views.DisputeResponses.as_view(),
        name="api_dispute_responses",
    ),
    path("api/challenges/", views.ChallengeList.as_view(), name="api_challenges"),
    path(
        "api/challenges/<uuid:public_id>/",
        views.ChallengeDetail.as_view(),
        name="api_challenge",
    ),
    path(
        "api/challenges/<uuid:public_id>/forward/",
        views.ChallengeForward.as_view(),
        name="api_challenge_forward",
    ),
    path(
        "api/challenges/<uuid:public_id>/responses/",
        views.ChallengeResponses.as_view(),
        name="api_challenge_responses",
    ),
    path("api/reports/<str:kind>/<str:label>/", views.ReportView.as_view(), name="api_report"),
    path("api/census/validate/", views.CensusValidate.as_view(), name="api_census_validate"),
    path("api/census/imports/", views.CensusImports.as_view(), name="api_census_imports"),
    path(
        "api/census/imports/<uuid:public_id>/",
        views.CensusImportDetail.as_view(),
        name="api_census_import",
    ),
    path("api/census/<str:year>/export/", views.CensusExport.as_view(), name="api_census_export"),
    path("api/census/<str:year>/check/", views.CensusCheck.as_view(), name="api_census_check"),
]

# The pages where a user (or an administrator, in the admin) manages API tokens.
page_patterns = [
    path("tokens/", pages.tokens, name="api_tokens"),
    path("tokens/<int:pk>/revoke/", pages.revoke, name="api_token_revoke"),
]

urlpatterns = api_patterns + page_patterns
