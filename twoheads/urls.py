from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    # The operators' sign-in offers the site's own "Forgotten your password?", which also
    # ends a pause of signing in after failures.
    path(
        "admin/password_reset/",
        RedirectView.as_view(pattern_name="password_reset"),
        name="admin_password_reset",
    ),
    path("admin/", admin.site.urls),
    path("", include("twoheads.accounts.urls")),
    path("", include("twoheads.programmes.urls")),
    path("", include("twoheads.participants.urls")),
    path("", include("twoheads.pairing.urls")),
    path("", include("twoheads.meetings.urls")),
    path("", include("twoheads.journal.urls")),
    path("", include("twoheads.guard.urls")),
    path("", include("twoheads.privacy.urls")),
    path("", include("twoheads.insights.urls")),
    path("", include("twoheads.api.page_urls")),
    path("api/", include("twoheads.api.urls")),
]
