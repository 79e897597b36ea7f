from django.urls import path

from . import views

P = "programmes/<slug:slug>/"
RUN = P + "runs/<int:pk>/"

urlpatterns = [
    path(P + "runs/", views.run_list, name="run_list"),
    path(P + "runs/start/", views.run_start, name="run_start"),
    path(P + "runs/compare/", views.run_compare, name="run_compare"),
    path(RUN, views.run_detail, name="run_detail"),
    path(RUN + "progress/", views.run_progress, name="run_progress"),
    path(RUN + "retry/", views.run_retry, name="run_retry"),
    path(RUN + "rerun/", views.run_rerun, name="run_rerun"),
    path(RUN + "publish/", views.run_publish, name="run_publish"),
    path(RUN + "manual/", views.manual_pair, name="manual_pair"),
    path(RUN + "proposals/<int:proposal>/lock/", views.proposal_lock, name="proposal_lock"),
    path(RUN + "proposals/<int:proposal>/remove/", views.proposal_remove, name="proposal_remove"),
    path(P + "pairs/", views.pair_list, name="pair_list"),
    path(P + "pairs/<int:pk>/end/", views.pair_end, name="pair_end"),
    path(P + "rematch/<int:participant>/", views.rematch, name="rematch"),
    path(P + "suggestions/", views.my_suggestions, name="my_suggestions"),
    path(P + "requests/", views.my_requests, name="my_requests"),
    path(P + "requests/to/<int:participant>/", views.request_send, name="request_send"),
    path("requests/<int:pk>/respond/", views.request_respond, name="request_respond"),
    path("requests/<int:pk>/withdraw/", views.request_withdraw, name="request_withdraw"),
    path("pairs/<int:pk>/respond/", views.pair_respond, name="pair_respond"),
]
