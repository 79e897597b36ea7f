from django.urls import path

from . import views

urlpatterns = [
    path(
        "organisations/<slug:slug>/confidential-terms/",
        views.organisation_terms,
        name="organisation_terms",
    ),
    path(
        "programmes/<slug:slug>/confidential-terms/",
        views.programme_terms,
        name="programme_terms",
    ),
    path("programmes/<slug:slug>/guard/", views.guard_summary, name="guard_summary"),
]
