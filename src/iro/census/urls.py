from django.urls import path

from iro.census import views

urlpatterns = [
    path("", views.census_index, name="census_index"),
    path("imports/", views.import_list, name="census_imports"),
    path("imports/<uuid:public_id>/", views.import_detail, name="census_import"),
    path("imports/<uuid:public_id>/again/", views.import_again, name="census_import_again"),
    path(
        "imports/<uuid:public_id>/findings.<str:fmt>",
        views.import_findings,
        name="census_import_findings",
    ),
    path("returns/", views.return_list, name="census_returns"),
    path("returns/<uuid:public_id>/", views.return_detail, name="census_return"),
    path(
        "returns/<uuid:public_id>/download/",
        views.return_download,
        name="census_return_download",
    ),
    path(
        "returns/<uuid:public_id>/findings.<str:fmt>",
        views.return_findings,
        name="census_return_findings",
    ),
]
