from django.urls import path

from trato.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("coming/<slug:key>/", views.coming, name="coming"),
]
