from django.urls import path

from iro.narrative import views

urlpatterns = [
    path("<str:kind>/<str:label>/", views.narrative_page, name="report_narrative"),
]
