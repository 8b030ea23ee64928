from django.urls import path

from iro.rights import views

urlpatterns = [
    path("children/<uuid:public_id>/restriction/", views.restriction, name="child_restriction"),
    path(
        "children/<uuid:public_id>/subject-access.<str:output_format>",
        views.subject_access_export,
        name="subject_access_export",
    ),
    path("retention/", views.retention_report, name="retention_report"),
]
