from django.urls import path

from iro.documents import family_journey_views, format_views, views

urlpatterns = [
    path(
        "documents/plain-language",
        views.plain_language_check,
        name="plain_language_check",
    ),
    path("plans/<uuid:public_id>/family-plan", views.family_plan_html, name="family_plan"),
    path("documents/other-formats", format_views.format_request_new, name="format_request_new"),
    path(
        "documents/other-formats/<uuid:public_id>",
        format_views.format_request,
        name="format_request",
    ),
    path(
        "documents/other-formats/<uuid:public_id>/download",
        format_views.format_request_download,
        name="format_request_download",
    ),
    path("plans/<uuid:public_id>/family-plan.pdf", views.family_plan_pdf, name="family_plan_pdf"),
    path(
        "children/<uuid:public_id>/family-journey/",
        family_journey_views.family_journey_choose,
        name="family_journey",
    ),
    path(
        "children/<uuid:public_id>/family-journey/leaflet",
        family_journey_views.family_journey_html,
        name="family_journey_leaflet",
    ),
    path(
        "children/<uuid:public_id>/family-journey/leaflet.pdf",
        family_journey_views.family_journey_pdf,
        name="family_journey_pdf",
    ),
]
