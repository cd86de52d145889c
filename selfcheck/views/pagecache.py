"""Rendered personal pages kept for a short while, keyed on everything they show.

A page is looked up under a digest of the user, the language, the date, the path and
the pickled context the view built from the database, and of the template sources. So
any change to what the page shows (a confirm, an import, a campaign edit) gives a new
key and the page is rendered afresh at once; nothing has to remember to invalidate it.
The view still runs its queries; what is saved is the template rendering.

Never cached: pages with a query string, pages while a message waits to be shown,
anything but a plain GET. The CSRF tokens of a page served from the cache are replaced
by a freshly masked token of the request, as a rendering would give.
"""

from __future__ import annotations

import hashlib
import pickle
import re
from functools import cache as memoize

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template import Context
from django.template.loader import get_template
from django.template.loader_tags import ExtendsNode, IncludeNode
from django.utils import timezone, translation

TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')


@memoize
def _template_digest(name: str) -> str:
    """The sources of a template and of the templates it extends or includes by name."""
    digest, seen, todo = hashlib.blake2b(digest_size=16), set(), [name]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        template = get_template(current).template
        digest.update(current.encode() + b"\0" + template.source.encode() + b"\0")
        for node in template.nodelist.get_nodes_by_type(ExtendsNode):
            todo.append(node.parent_name.resolve(Context()))
        for node in template.nodelist.get_nodes_by_type(IncludeNode):
            included = node.template.resolve(Context())
            if isinstance(included, str):
                todo.append(included)
    return digest.hexdigest()


def _cacheable(request) -> bool:
    return (
        request.method == "GET"
        and not request.META.get("QUERY_STRING")
        and request.user.is_authenticated
        and not len(messages.get_messages(request))
    )


def page_key(request, template_name: str, context: dict) -> str:
    user = request.user
    who = (user.pk, user.username, user.get_full_name(), user.role, user.is_superuser, user.is_staff)
    parts = (
        who, translation.get_language(), timezone.localdate().isoformat(), request.path,
        _template_digest(template_name), context,
    )  # fmt: skip
    digest = hashlib.blake2b(pickle.dumps(parts, protocol=pickle.HIGHEST_PROTOCOL), digest_size=20).hexdigest()
    return f"page:{user.pk}:{digest}"


def render_cached(request, template_name: str, context: dict) -> HttpResponse:
    """``render`` for a signed-in user's page, served from the cache while nothing it shows changed."""
    seconds = settings.SELFCHECK_PAGE_CACHE_SECONDS
    if not seconds or not _cacheable(request):
        return render(request, template_name, context)
    try:
        key = page_key(request, template_name, context)
    except (pickle.PicklingError, TypeError, AttributeError):  # a context that cannot be keyed
        return render(request, template_name, context)
    body = cache.get(key)
    if body is None:
        response = render(request, template_name, context)
        if response.status_code == 200:
            cache.set(key, response.content.decode(), seconds)
        return response
    token = get_token(request)
    return HttpResponse(TOKEN.sub(lambda match: f"{match.group(1)}{token}{match.group(2)}", body))
