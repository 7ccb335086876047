"""URL routes of the web interface (namespace ``web``), included at the site root."""

from __future__ import annotations

from django.urls import include, path

from kho.web.views import agencies, audit, auth, browse, dashboard, documents, search, upload, verify

app_name = "web"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("accounts/login/", auth.SignInView.as_view(), name="login"),
    path("accounts/login/code/", auth.SecondFactorView.as_view(), name="login-code"),
    path("accounts/logout/", auth.SignOutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("agencies/", agencies.agency_tree, name="agencies"),
    path("agencies/<str:code>/", agencies.agency_detail, name="agency"),
    path("fonds/", browse.fonds_list, name="fonds-list"),
    path("fonds/<str:code>/", browse.fonds_detail, name="fonds"),
    path("records/<str:code>/", browse.record_detail, name="record"),
    path("records/<str:code>/upload/", upload.upload_page, name="upload"),
    path("records/<str:code>/uploads/", upload.create_batch, name="upload-create"),
    path("uploads/<str:uid>/", upload.batch_page, name="upload-batch"),
    path("uploads/<str:uid>/files/", upload.receive_file, name="upload-files"),
    path("uploads/<str:uid>/start/", upload.start_batch, name="upload-start"),
    path("uploads/<str:uid>/status/", upload.batch_status, name="upload-status"),
    path("documents/", browse.document_list, name="documents"),
    path("documents/<str:code>/", documents.document_detail, name="document"),
    path("documents/<str:code>/pdf/", documents.document_pdf, name="document-pdf"),
    path("documents/<str:code>/pages/<int:page>/", documents.page_image, name="page-image"),
    path("documents/<str:code>/verify/", verify.verify_document, name="verify"),
    path("search/", search.search, name="search"),
    path("audit/", audit.audit_log, name="audit"),
    path("audit/events/<int:seq>/", audit.audit_event, name="audit-event"),
    path("audit/verify/", audit.audit_verify, name="audit-verify"),
    path("audit/export/<str:fmt>/", audit.audit_export, name="audit-export"),
]
