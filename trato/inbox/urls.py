from django.urls import path

from trato.inbox import views

app_name = "inbox"
urlpatterns = [
    path("", views.triage_list, name="list"),
    path("<int:pk>/", views.triage_detail, name="detail"),
    path("<int:pk>/file/", views.triage_file, name="file"),
    path("<int:pk>/ignore/", views.triage_ignore, name="ignore"),
    path("<int:pk>/raw/", views.triage_raw, name="raw"),
]
