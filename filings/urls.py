from django.urls import path

from filings import pickers, views

app_name = "filings"
urlpatterns = [
    path("review/", views.review_queue, name="review_queue"),
    path("enterprises/", views.enterprise_list, name="enterprise_list"),
    path("enterprises/bulk/<slug:action>/", views.enterprise_bulk_decide, name="enterprise_bulk_decide"),
    path("pickers/enterprises/", pickers.enterprise_picker, name="enterprise_picker"),
    path("pickers/products/", pickers.product_picker, name="product_picker"),
    path("enterprises/<int:pk>/", views.enterprise_detail, name="enterprise_detail"),
    path("enterprises/<int:pk>/edit/", views.enterprise_edit, name="enterprise_edit"),
    path("enterprises/<int:pk>/submit/", views.enterprise_submit, name="enterprise_submit"),
    path("enterprises/<int:pk>/refile/", views.enterprise_refile, name="enterprise_refile"),
    path("enterprises/<int:pk>/decide/<slug:action>/", views.enterprise_decide, name="enterprise_decide"),
    path("enterprises/<int:pk>/bureau/", views.enterprise_set_bureau, name="enterprise_set_bureau"),
    path("enterprises/<int:pk>/supervision/", views.enterprise_supervision, name="enterprise_supervision"),
    path("enterprises/<int:pk>/colleagues/", views.colleague_add, name="colleague_add"),
    path("enterprises/<int:pk>/change/", views.enterprise_change_request, name="enterprise_change_request"),
    path("products/", views.product_list, name="product_list"),
    path("products/new/", views.product_create, name="product_create"),
    path("products/bulk/", views.product_bulk, name="product_bulk"),
    path("products/bulk/submit/", views.product_bulk_submit, name="product_bulk_submit"),
    path("products/bulk/decide/<slug:action>/", views.product_bulk_decide, name="product_bulk_decide"),
    path("products/bulk/template.<slug:fmt>", views.product_bulk_template, name="product_bulk_template"),
    path("products/<int:pk>/", views.product_detail, name="product_detail"),
    path("products/<int:pk>/edit/", views.product_edit, name="product_edit"),
    path("products/<int:pk>/submit/", views.product_submit, name="product_submit"),
    path("products/<int:pk>/decide/<slug:action>/", views.product_decide, name="product_decide"),
    path("products/<int:pk>/suspicion/<slug:decision>/", views.product_suspicion, name="product_suspicion"),
    path("products/<int:pk>/label/", views.product_label, name="product_label"),
    path("products/<int:pk>/test-reports/", views.product_test_report_add, name="product_test_report_add"),
    path("products/<int:pk>/change/", views.product_change_request, name="product_change_request"),
    path("changes/<int:pk>/", views.change_request_detail, name="change_request_detail"),
    path("changes/<int:pk>/decide/<slug:action>/", views.change_request_decide, name="change_request_decide"),
    path("changes/<int:pk>/withdraw/", views.change_request_withdraw, name="change_request_withdraw"),
]
