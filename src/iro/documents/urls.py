from django.urls import path

from iro.documents import views

urlpatterns = [
    path(
        "documents/plain-language",
        views.plain_language_check,
        name="plain_language_check",
    ),
    path("plans/<uuid:public_id>/family-plan", views.family_plan_html, name="family_plan"),
    path("plans/<uuid:public_id>/family-plan.pdf", views.family_plan_pdf, name="family_plan_pdf"),
]
