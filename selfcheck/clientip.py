"""The address of the person at the other end, read the way the deployment says.

Behind ``TRUSTED_PROXY_COUNT`` proxies the client is the address that many hops
from the right of ``X-Forwarded-For`` (each proxy appends the address it saw), so a
client cannot choose its own address by sending the header. With no proxy
configured the header is ignored and ``REMOTE_ADDR`` is the client.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    remote = _valid(request.META.get("REMOTE_ADDR", "") or "")
    hops = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if hops <= 0:
        return remote
    forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < hops:
        # Fewer entries than proxies: the request did not come through all of them.
        return remote
    return _valid(forwarded[-hops]) or remote
