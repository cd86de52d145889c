"""Health checks for the proxy and the container runtime."""

from __future__ import annotations

import logging

from celery import current_app as app
from django.conf import settings
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

log = logging.getLogger(__name__)

BROKER_TIMEOUT = 2.0


def _database() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        log.exception("health check: database unreachable")
        return False


def _broker() -> bool:
    options = {"socket_connect_timeout": BROKER_TIMEOUT, "socket_timeout": BROKER_TIMEOUT, "max_retries": 0}
    try:
        with app.connection_for_write(url=settings.CELERY_BROKER_URL, transport_options=options) as conn:
            conn.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT)
            # Opening a channel is what talks to the server (Redis answers a PING).
            conn.channel().close()
        return True
    except Exception:
        log.exception("health check: broker unreachable")
        return False


@never_cache
def healthz(request):
    """200 when the database and the broker answer, 503 naming the one that does not."""
    checks = {"database": _database(), "broker": _broker()}
    ok = all(checks.values())
    body = {"status": "ok" if ok else "error", **{name: "ok" if good else "error" for name, good in checks.items()}}
    return JsonResponse(body, status=200 if ok else 503)


def ping(request):
    """Touches nothing: the baseline of the load test, and a liveness probe."""
    return HttpResponse("ok", content_type="text/plain")
