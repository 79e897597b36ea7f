from django.urls import path

from . import views

P = "programmes/<slug:slug>/"

urlpatterns = [
    path("insights/compare/", views.programme_compare, name="programme_compare"),
    path(P + "dashboard/", views.programme_dashboard, name="programme_dashboard"),
    path(P + "dashboard/at-risk/", views.programme_at_risk, name="programme_at_risk"),
    path(P + "dashboard/at-risk/<int:pair>/nudge/", views.programme_nudge, name="programme_nudge"),
    path(P + "dashboard/report/", views.programme_report, name="programme_report"),
    path(P + "dashboard/report.pdf", views.programme_report_pdf, name="programme_report_pdf"),
    path(
        P + "dashboard/weekly-report/",
        views.programme_weekly_report,
        name="programme_weekly_report",
    ),
    path(P + "dashboard/export.xlsx", views.programme_export_xlsx, name="programme_export_xlsx"),
    path(
        P + "dashboard/export/<slug:table>.csv",
        views.programme_export_csv,
        name="programme_export_csv",
    ),
    path(P + "pairs/export.<str:fmt>", views.pair_export, name="pair_export"),
    path(P + "my-progress/", views.my_progress, name="my_progress"),
]
