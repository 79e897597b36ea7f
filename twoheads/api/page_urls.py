"""Pages of the integrations: an organisation's webhooks."""

from django.urls import path

from . import webhook_pages as views

W = "organisations/<slug:slug>/webhooks/"

urlpatterns = [
    path(W, views.webhook_list, name="webhook_list"),
    path(W + "new/", views.webhook_created, name="webhook_created"),
    path(W + "<int:pk>/test/", views.webhook_ping, name="webhook_ping"),
    path(W + "<int:pk>/enable/", views.webhook_enable, name="webhook_enable"),
    path(W + "<int:pk>/delete/", views.webhook_delete, name="webhook_delete"),
]
