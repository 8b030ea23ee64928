from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from iro.access.session_time import session_status
from iro.operations.heartbeat import healthz

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/session/", session_status, name="session_status"),
    path("accounts/", include("allauth.urls")),
    path("healthz", healthz),
    # Browsers ask for /favicon.ico where a response names no icon (a PDF opened in a tab,
    # an error page): the site's icon, not a 404 in every console.
    path("favicon.ico", RedirectView.as_view(url=static("iro/favicon.svg"), permanent=True)),
    path("", include("iro.access.urls")),
    path("", include("iro.people.urls")),
    # Before the reports: their <kind>/<label>/<measure>/ would take these URLs.
    path("reports/narrative/", include("iro.narrative.urls")),
    path("reports/", include("iro.reports.urls")),
    path("census/", include("iro.census.urls")),
    path("", include("iro.rights.urls")),
    path("", include("iro.challenge.urls")),
    path("", include("iro.children.urls")),
    path("", include("iro.notices.urls")),
    path("", include("iro.journey.correction_urls")),
    path("", include("iro.journey.conference_urls")),
    path("", include("iro.journey.urls")),
    path("", include("iro.work.urls")),
    path("", include("iro.api.urls")),
]

# A mistyped API address answers in the API's error shape, not with the site's page.
handler404 = "iro.api.errors.page_not_found"
