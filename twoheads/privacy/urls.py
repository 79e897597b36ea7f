from django.urls import path

from . import views

P = "programmes/<slug:slug>/"

urlpatterns = [
    path(P + "concerns/new/", views.raise_concern, name="raise_concern"),
    path(P + "concerns/", views.concern_list, name="concern_list"),
    path(P + "concerns/<int:pk>/resolve/", views.concern_resolve, name="concern_resolve"),
    path("account/my-data/", views.my_data, name="my_data"),
    path("account/my-data.json", views.my_data_json, name="my_data_json"),
    path("account/erase/", views.request_erasure, name="request_erasure"),
    path("organisations/<slug:slug>/audit/", views.audit_log, name="audit_log"),
]
