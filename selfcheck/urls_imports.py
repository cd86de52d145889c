"""Roster and CHSI check-list import pages."""

from django.urls import path

from selfcheck.views import imports

urlpatterns = [
    path("imports/", imports.import_list, name="import_list"),
    path("imports/upload/", imports.import_upload, name="import_upload"),
    path("imports/template/<str:kind>.xlsx", imports.import_template, name="import_template"),
    path("imports/<int:pk>/", imports.import_detail, name="import_detail"),
    path("imports/<int:pk>/progress/", imports.import_progress, name="import_progress"),
    path("imports/<int:pk>/confirm/", imports.import_confirm, name="import_confirm"),
    path("imports/<int:pk>/revalidate/", imports.import_revalidate, name="import_revalidate"),
    path("imports/<int:pk>/colleges/", imports.import_college, name="import_college"),
    path("imports/<int:pk>/sheet/", imports.import_sheet, name="import_sheet"),
    path("imports/<int:pk>/errors.<str:fmt>", imports.import_errors, name="import_errors"),
]
