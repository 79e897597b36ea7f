from django.urls import path

from . import views

urlpatterns = [
    path("programmes/", views.programme_list, name="programme_list"),
    path("programmes/new/", views.programme_create, name="programme_create"),
    path("programmes/<slug:slug>/", views.programme_detail, name="programme_detail"),
    path("programmes/<slug:slug>/status/", views.programme_transition, name="programme_transition"),
    path("programmes/<slug:slug>/settings/", views.programme_settings, name="programme_settings"),
    path("programmes/<slug:slug>/skills/", views.skill_list, name="skill_list"),
    path("programmes/<slug:slug>/skills/merge/", views.skill_merge, name="skill_merge"),
    path("programmes/<slug:slug>/skills/search/", views.skill_search, name="skill_search"),
    path("programmes/<slug:slug>/skills/<int:pk>/rename/", views.skill_rename, name="skill_rename"),
    path(
        "programmes/<slug:slug>/skills/<int:pk>/approve/",
        views.skill_approve,
        name="skill_approve",
    ),
    path("programmes/<slug:slug>/questions/", views.question_list, name="question_list"),
]
