from django.urls import path

from trato.jobs import views

app_name = "jobs"

urlpatterns = [
    path("", views.job_list, name="list"),
    path("<uuid:pk>/retry/", views.job_retry, name="retry"),
]
