from django.urls import path, re_path

from iro.reports import views

urlpatterns = [
    path("", views.index, name="reports_index"),
    re_path(
        r"^(?P<kind>annual|quarterly|monthly)/(?P<label>[0-9Q-]+)\.(?P<fmt>pdf|xlsx|csv|json)$",
        views.download,
        name="report_download",
    ),
    path("<str:kind>/<str:label>/", views.report_page, name="report"),
    path("<str:kind>/<str:label>/<str:measure>/", views.children_page, name="report_children"),
]
