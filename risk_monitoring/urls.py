from django.urls import path

from risk_monitoring import overseas_views, plan_views, sampling_views, views

app_name = "risk_monitoring"
urlpatterns = [
    path("", views.signal_list, name="signal_list"),
    path("new/", views.signal_create, name="signal_create"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("<int:pk>/", views.signal_detail, name="signal_detail"),
    path("<int:pk>/assess/", views.signal_assess, name="signal_assess"),
    path("<int:pk>/close/", views.signal_close, name="signal_close"),
    path("<int:pk>/attach/", views.signal_attach, name="signal_attach"),
    path("<int:pk>/proposals/<int:proposal_pk>/confirm/", overseas_views.proposal_confirm, name="proposal_confirm"),
    path("<int:pk>/proposals/<int:proposal_pk>/reject/", overseas_views.proposal_reject, name="proposal_reject"),
    path("overseas/import/", overseas_views.overseas_import_page, name="overseas_import"),
    path("overseas/import/<int:pk>/", overseas_views.overseas_import_detail, name="overseas_import_detail"),
    path("overseas/import/<int:pk>/file/", overseas_views.overseas_import_file, name="overseas_import_file"),
    # sampling plans
    path("plans/", plan_views.plan_list, name="plan_list"),
    path("plans/new/", plan_views.plan_generate, name="plan_generate"),
    path("plans/<int:pk>/", plan_views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/publish/", plan_views.plan_publish, name="plan_publish"),
    path("plans/<int:pk>/close/", plan_views.plan_close, name="plan_close"),
    path("plans/<int:pk>/items/add/", plan_views.plan_item_add, name="plan_item_add"),
    path("plans/<int:pk>/items/<int:item_pk>/remove/", plan_views.plan_item_remove, name="plan_item_remove"),
    path("plans/<int:pk>/items/<int:item_pk>/lab/", plan_views.plan_item_lab, name="plan_item_lab"),
    # sampling, labs, third-party reports accepted or verified
    path("samplings/", sampling_views.sampling_list, name="sampling_list"),
    path("samplings/new/", sampling_views.sampling_create, name="sampling_create"),
    path("samplings/<int:pk>/", sampling_views.sampling_detail, name="sampling_detail"),
    path("samplings/<int:pk>/results/", sampling_views.sampling_results, name="sampling_results"),
    path("samplings/<int:pk>/take/", sampling_views.sampling_take, name="sampling_take"),
    path("samplings/<int:pk>/send-to-lab/", sampling_views.sampling_send_to_lab, name="sampling_send_to_lab"),
    path("samplings/<int:pk>/close/", sampling_views.sampling_close, name="sampling_close"),
    path("samplings/<int:pk>/attach/", sampling_views.sampling_attach, name="sampling_attach"),
    path("labs/", sampling_views.lab_list, name="lab_list"),
    path("labs/<int:pk>/", sampling_views.lab_detail, name="lab_detail"),
    path("labs/<int:pk>/restore/", sampling_views.lab_restore, name="lab_restore"),
    path("test-reports/<int:pk>/", sampling_views.report_decide, name="report_decide"),
    path("scores/", views.score_list, name="score_list"),
    path("scores/<str:subject_type>/<str:subject_id>/", views.score_detail, name="score_detail"),
]
