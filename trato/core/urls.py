from django.urls import path

from trato.core import pickers, views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("pick/<str:key>/", pickers.pick, name="pick"),
    path("coming/<slug:key>/", views.coming, name="coming"),
]
