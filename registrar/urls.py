from django.contrib import admin
from django.urls import include, path

from selfcheck.views.health import healthz, ping

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", healthz, name="healthz"),
    path("healthz/ping", ping, name="healthz_ping"),
    path("", include("selfcheck.urls")),
]

handler403 = "selfcheck.views.errors.permission_denied"
handler404 = "selfcheck.views.errors.page_not_found"
handler500 = "selfcheck.views.errors.server_error"
