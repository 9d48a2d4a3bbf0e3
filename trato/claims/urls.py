from django.urls import path

from trato.claims import views, views_bulk, views_records

app_name = "claims"
urlpatterns = [
    path("", views.claim_list, name="list"),
    path("board/", views.claim_board, name="board"),
    path("export/", views.claim_export, name="export"),
    path("bulk/", views_bulk.claim_bulk, name="bulk"),
    path("new/", views.claim_create, name="create"),
    path("from-document/", views.claim_quick_create, name="quick_create"),
    path("categories/", views_records.category_list, name="categories"),
    path("categories/<int:pk>/", views_records.category_edit, name="category_edit"),
    path("<int:pk>/", views.claim_detail, name="detail"),
    path("<int:pk>/edit/", views.claim_edit, name="edit"),
    path("<int:pk>/move/<str:move>/", views.claim_move, name="move"),
    path("<int:pk>/<str:section>/add/", views_records.record_add, name="record_add"),
    path("<int:pk>/<str:section>/<int:item>/edit/", views_records.record_edit, name="record_edit"),
    path("<int:pk>/<str:section>/<int:item>/remove/", views_records.record_remove, name="record_remove"),
]
