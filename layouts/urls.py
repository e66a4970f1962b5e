from django.urls import path

from layouts import views

app_name = "layouts"

urlpatterns = [
    path("", views.form_list, name="form_list"),
    path("<str:key>/", views.editor, name="editor"),
    path("<str:key>/fields/new/", views.field_create, name="field_create"),
    path("<str:key>/fields/<str:field_key>/", views.field_update, name="field_update"),
    path("<str:key>/fields/<str:field_key>/remove/", views.field_remove, name="field_remove"),
]
