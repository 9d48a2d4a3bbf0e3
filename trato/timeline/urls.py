from django.urls import path

from trato.timeline import views

app_name = "timeline"
urlpatterns = [
    path("attachments/<uuid:pk>/download/", views.attachment_download, name="attachment_download"),
    path("attachments/<uuid:pk>/delete/", views.attachment_delete, name="attachment_delete"),
    path("<str:key>/<int:pk>/", views.timeline_page, name="page"),
    path("<str:key>/<int:pk>/notes/", views.note_add, name="note_add"),
    path("<str:key>/<int:pk>/communications/", views.communication_log, name="communication_log"),
    path("<str:key>/<int:pk>/attachments/", views.attachments_add, name="attachments_add"),
]
