"""Correction requests: queues, one request and its steps, evidence downloads, the CHSI export."""

from django.urls import path

from selfcheck.views import corrections, corrections_student

urlpatterns = [
    path("me/<slug:slug>/correction/", corrections_student.student_correction, name="student_correction"),
    path("corrections/", corrections.correction_queue, name="correction_queue"),
    path("corrections/bulk/", corrections.correction_bulk, name="correction_bulk"),
    path("corrections/export/", corrections.correction_export, name="correction_export"),
    path("corrections/<int:pk>/", corrections.correction_detail, name="correction_detail"),
    path("corrections/<int:pk>/evidence/<int:evidence_id>/", corrections.evidence_download, name="evidence_download"),
    path("corrections/<int:pk>/<str:action>/", corrections.correction_step, name="correction_step"),
]
