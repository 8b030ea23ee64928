from django.urls import path, re_path

from iro.reports import sign_off_views, views

urlpatterns = [
    path("", views.index, name="reports_index"),
    re_path(
        r"^(?P<kind>annual|quarterly|monthly)/(?P<label>[0-9Q-]+)\.(?P<fmt>pdf|xlsx|csv|json)$",
        views.download,
        name="report_download",
    ),
    re_path(
        r"^annual/(?P<label>[0-9-]+)/summary\.(?P<fmt>pdf|html|json)$",
        views.summary_download,
        name="report_summary_download",
    ),
    path("annual/<str:label>/summary/", views.summary_page, name="report_summary"),
    re_path(
        r"^(?P<kind>annual|quarterly|monthly)/(?P<label>[0-9Q-]+)/signed-off\.(?P<fmt>pdf|xlsx|csv|json)$",
        sign_off_views.signed_off_download,
        name="report_signed_off_download",
    ),
    path("<str:kind>/<str:label>/sign-off/", sign_off_views.sign_off_page, name="report_sign_off"),
    path("<str:kind>/<str:label>/", views.report_page, name="report"),
    path("<str:kind>/<str:label>/<str:measure>/", views.children_page, name="report_children"),
]
