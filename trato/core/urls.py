from django.urls import path

from trato.core import pickers, views, views_saved_filters

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("pick/<str:key>/", pickers.pick, name="pick"),
    path("coming/<slug:key>/", views.coming, name="coming"),
    path("lists/<slug:key>/filters/", views_saved_filters.saved_filter_create_view, name="saved_filter_create"),
    path(
        "lists/<slug:key>/filters/<int:pk>/delete/",
        views_saved_filters.saved_filter_delete_view,
        name="saved_filter_delete",
    ),
]
