from django.urls import path

from crm import contact_views, deal_views, views

app_name = "crm"

urlpatterns = [
    path("companies/", views.company_list, name="company_list"),
    path("companies/new/", views.company_create, name="company_create"),
    path("companies/<int:pk>/edit/", views.company_update, name="company_update"),
    path("companies/<int:pk>/", contact_views.company_detail, name="company_detail"),
    path("contacts/", contact_views.contact_list, name="contact_list"),
    path("contacts/new/", contact_views.contact_create, name="contact_create"),
    path("contacts/<int:pk>/edit/", contact_views.contact_update, name="contact_update"),
    path("deals/", deal_views.deal_list, name="deal_list"),
    path("deals/board/", deal_views.deal_board, name="deal_board"),
    path("deals/new/", deal_views.deal_create, name="deal_create"),
    path("deals/<int:pk>/", deal_views.deal_detail, name="deal_detail"),
    path("deals/<int:pk>/edit/", deal_views.deal_update, name="deal_update"),
    path("deals/<int:pk>/move/", deal_views.deal_move, name="deal_move"),
    path("deals/<int:pk>/won/", deal_views.deal_win, name="deal_win"),
    path("deals/<int:pk>/lost/", deal_views.deal_lose, name="deal_lose"),
    path("deals/<int:pk>/rows/new/", deal_views.deal_row_add, name="deal_row_add"),
    path("deals/<int:pk>/rows/<int:row_pk>/edit/", deal_views.deal_row_update, name="deal_row_update"),
    path("deals/<int:pk>/rows/<int:row_pk>/delete/", deal_views.deal_row_delete, name="deal_row_delete"),
    path("deals/<int:pk>/rows/<int:row_pk>/reserve/", deal_views.deal_row_reserve, name="deal_row_reserve"),
    path("deals/<int:pk>/rows/<int:row_pk>/release/", deal_views.deal_row_release, name="deal_row_release"),
    path("deals/<int:pk>/rows/<int:row_pk>/reserved-until/", deal_views.reservation_until, name="reservation_until"),
]
