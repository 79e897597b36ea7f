from django.urls import path

from . import views

urlpatterns = [
    path("pairs/<int:pk>/meetings/new/", views.meeting_schedule, name="meeting_schedule"),
    path("pairs/<int:pk>/meetings/log/", views.meeting_record, name="meeting_record"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/change/", views.meeting_reschedule, name="meeting_reschedule"),
    path("meetings/<int:pk>/cancel/", views.meeting_cancel, name="meeting_cancel"),
    path("meetings/<int:pk>/log/", views.meeting_log, name="meeting_log"),
    path("meetings/<int:pk>/invite.ics", views.meeting_ics, name="meeting_ics"),
    path("calendar/", views.calendar_settings, name="calendar_settings"),
    path("calendar/new/", views.calendar_feed_issue, name="calendar_feed_issue"),
    path("calendar/off/", views.calendar_feed_revoke, name="calendar_feed_revoke"),
    path("calendar/<str:secret>.ics", views.calendar_feed, name="calendar_feed"),
]
