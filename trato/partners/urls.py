from django.urls import path

from trato.partners import views

app_name = "partners"
urlpatterns = [
    path("", views.partner_list, name="list"),
    path("export/", views.partner_export, name="export"),
    path("new/", views.partner_create, name="create"),
    path("duplicates/", views.duplicate_hints, name="duplicates"),
    path("<int:pk>/", views.partner_detail, name="detail"),
    path("<int:pk>/edit/", views.partner_edit, name="edit"),
    path("<int:pk>/archive/", views.partner_archive, name="archive"),
    path("<int:pk>/restore/", views.partner_restore, name="restore"),
    path("<int:pk>/contacts/new/", views.contact_create, name="contact_create"),
    path("<int:pk>/contacts/import/", views.contacts_import_view, name="contacts_import"),
    path("<int:pk>/contacts.vcf", views.partner_vcards, name="contacts_vcf"),
    path("contacts/<int:pk>/", views.contact_detail, name="contact_detail"),
    path("contacts/<int:pk>/edit/", views.contact_edit, name="contact_edit"),
    path("contacts/<int:pk>/archive/", views.contact_archive, name="contact_archive"),
    path("contacts/<int:pk>/restore/", views.contact_restore, name="contact_restore"),
    path("contacts/<int:pk>/vcard/", views.contact_vcard, name="contact_vcard"),
]
