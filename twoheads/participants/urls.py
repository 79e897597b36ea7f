from django.urls import path

from . import views

P = "programmes/<slug:slug>/"

urlpatterns = [
    path(P + "people/", views.participant_list, name="participant_list"),
    path(P + "people/<int:pk>/", views.participant_detail, name="participant_detail"),
    path(P + "people/<int:pk>/manage/", views.participant_manage, name="participant_manage"),
    path(P + "people/remind/", views.participant_remind, name="participant_remind"),
    path(P + "people/invite/", views.participant_invite_all, name="participant_invite_all"),
    path(P + "people/search/", views.participant_search, name="participant_search"),
    path(P + "people/announcements/", views.announcement_list, name="announcement_list"),
    path(
        P + "people/export.<str:fmt>",
        views.participant_export,
        name="participant_export",
    ),
    path(P + "people/import/", views.import_upload, name="import_upload"),
    path(P + "people/import/<int:pk>/", views.import_confirm, name="import_confirm"),
    path(P + "people/import/template.csv", views.import_template, name="import_template"),
    path(P + "invitations/", views.invitation_list, name="invitation_list"),
    path(P + "me/", views.my_profile, name="my_profile"),
    path(P + "me/withdraw/", views.withdraw, name="withdraw"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("enrol/<slug:slug>/", views.programme_enrol, name="programme_enrol"),
]
