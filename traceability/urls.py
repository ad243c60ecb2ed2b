from django.urls import path

from traceability import trace_views, views, views_consumer_notices, views_escalation, views_measures

app_name = "traceability"
urlpatterns = [
    path("notices/", views.notice_list, name="notice_list"),
    path("notices/new/<slug:object_type>/<int:object_id>/", views.notice_create, name="notice_create"),
    path("notices/<int:pk>/", views.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/acknowledge/", views.notice_acknowledge, name="notice_acknowledge"),
    path("investigations/", views.investigation_list, name="investigation_list"),
    path("investigations/new/", views.investigation_open, name="investigation_open"),
    path("investigations/<int:pk>/", views.investigation_detail, name="investigation_detail"),
    path("investigations/<int:pk>/advance/", views.investigation_advance, name="investigation_advance"),
    path("investigations/<int:pk>/close/", views.investigation_close, name="investigation_close"),
    path("investigations/<int:pk>/reassign/", views.investigation_reassign, name="investigation_reassign"),
    path("investigations/<int:pk>/major/", views.investigation_major, name="investigation_major"),
    path("investigations/<int:pk>/major-report/", views.investigation_major_report, name="investigation_major_report"),
    path("investigations/<int:pk>/notes/", views.investigation_note, name="investigation_note"),
    path("investigations/<int:pk>/signals/", views.investigation_link, name="investigation_link"),
    path("trace/product/<int:pk>/", trace_views.product_trace_page, name="product_trace"),
    path("escalations/", views_escalation.escalation_list, name="escalation_list"),
    path("escalations/<int:pk>/", views_escalation.escalation_detail, name="escalation_detail"),
    path("escalations/<int:pk>/confirm/", views_escalation.escalation_confirm, name="escalation_confirm"),
    path("escalations/<int:pk>/dismiss/", views_escalation.escalation_dismiss, name="escalation_dismiss"),
    path("consumer-notices/", views_consumer_notices.consumer_notice_list, name="consumer_notice_list"),
    path("consumer-notices/new/", views_consumer_notices.consumer_notice_create, name="consumer_notice_create"),
    path("consumer-notices/<int:pk>/", views_consumer_notices.consumer_notice_detail, name="consumer_notice_detail"),
    path("consumer-notices/<int:pk>/edit/", views_consumer_notices.consumer_notice_edit, name="consumer_notice_edit"),
    path(
        "consumer-notices/<int:pk>/submit/",
        views_consumer_notices.consumer_notice_submit,
        name="consumer_notice_submit",
    ),
    path(
        "consumer-notices/<int:pk>/publish/",
        views_consumer_notices.consumer_notice_publish,
        name="consumer_notice_publish",
    ),
    path(
        "consumer-notices/<int:pk>/return/",
        views_consumer_notices.consumer_notice_return,
        name="consumer_notice_return",
    ),
    path(
        "consumer-notices/<int:pk>/withdraw/",
        views_consumer_notices.consumer_notice_withdraw,
        name="consumer_notice_withdraw",
    ),
    path(
        "consumer-notices/<int:pk>/image/", views_consumer_notices.consumer_notice_image, name="consumer_notice_image"
    ),
    path("measures/", views_measures.measure_list, name="measure_list"),
    path("measures/voluntary/", views_measures.measure_voluntary, name="measure_voluntary"),
    path("measures/<int:pk>/", views_measures.measure_detail, name="measure_detail"),
    path("measures/<int:pk>/acknowledge/", views_measures.measure_acknowledge, name="measure_acknowledge"),
    path("measures/<int:pk>/respond/", views_measures.measure_respond, name="measure_respond"),
    path("measures/<int:pk>/progress/", views_measures.measure_progress, name="measure_progress"),
    path("measures/<int:pk>/delistings/", views_measures.measure_delisting, name="measure_delisting"),
    path("measures/<int:pk>/verify/", views_measures.measure_verify, name="measure_verify"),
    path("measures/<int:pk>/reject/", views_measures.measure_reject, name="measure_reject"),
    path("measures/<int:pk>/review/", views_measures.measure_review, name="measure_review"),
    path("investigations/<int:pk>/measures/new/", views_measures.measure_issue, name="measure_issue"),
]
