from django.urls import path

from . import views

PAIR = "pairs/<int:pk>/"

urlpatterns = [
    path(PAIR, views.pair_detail, name="pair_detail"),
    path(PAIR + "agreement/", views.agreement, name="agreement"),
    path(PAIR + "agreement/agree/", views.agreement_agree, name="agreement_agree"),
    path(PAIR + "journal/new/", views.journal_new, name="journal_new"),
    path(PAIR + "ideas/new/", views.idea_new, name="idea_new"),
    path(PAIR + "goals/new/", views.goal_new, name="goal_new"),
    path(PAIR + "checkin/", views.checkin_create, name="checkin_create"),
    path(PAIR + "exit-survey/", views.exit_survey, name="exit_survey"),
    path(PAIR + "close/", views.pair_close, name="pair_close"),
    path("journal/<int:pk>/", views.journal_entry, name="journal_entry"),
    path("journal/<int:pk>/delete/", views.journal_delete, name="journal_delete"),
    path("ideas/<int:pk>/", views.idea_detail, name="idea_detail"),
    path("ideas/<int:pk>/edit/", views.idea_edit, name="idea_edit"),
    path("ideas/<int:pk>/delete/", views.idea_delete, name="idea_delete"),
    path("goals/<int:pk>/", views.goal_progress, name="goal_progress"),
    path("goals/<int:pk>/edit/", views.goal_edit, name="goal_edit"),
    path("goals/<int:pk>/delete/", views.goal_delete, name="goal_delete"),
    path("meetings/<int:pk>/feedback/", views.feedback_create, name="feedback_create"),
    path("account/reminders/", views.nudge_settings, name="nudge_settings"),
    path("programmes/<slug:slug>/guides/", views.guide_list, name="guide_list"),
    path("programmes/<slug:slug>/guides/<str:kind>/", views.guide_edit, name="guide_edit"),
    path("programmes/<slug:slug>/feedback/", views.programme_feedback, name="programme_feedback"),
    path(
        "programmes/<slug:slug>/feedback/<slug:kind>.csv",
        views.programme_feedback_export,
        name="programme_feedback_export",
    ),
]
