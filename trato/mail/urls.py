from django.urls import path

from trato.mail import views

app_name = "mail"
urlpatterns = [
    path("compose/<str:key>/<int:pk>/", views.compose, name="compose"),
]
