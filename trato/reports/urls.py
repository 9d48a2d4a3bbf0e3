from django.urls import path

from trato.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.report_index, name="index"),
    path("<slug:section>/<slug:table>/", views.table_page, name="table"),
    path("<slug:section>/<slug:table>.csv", views.table_csv, name="table_csv"),
]
