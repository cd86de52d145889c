"""Request-wide behaviour: interface language, idle sign-out, no caching of personal pages."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import add_never_cache_headers


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Like Django's, but ignores the browser's Accept-Language.

    Staff machines often run English browsers; the portal still opens in Chinese and
    switches only when the user chooses a language (stored in the language cookie).
    """

    def process_request(self, request):
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if code not in dict(settings.LANGUAGES):
            code = settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = translation.get_language()


class NoStoreForSignedInMiddleware:
    """Nothing shown to a signed-in user (pages, exports) may be kept by a browser or proxy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response


class IdleSessionMiddleware:
    """Sign out after idle minutes: 30 for students, ``STAFF_SESSION_IDLE_MINUTES`` for staff.

    The last-seen time is written at most once a minute, so pages do not all write
    the session; the session row's own expiry (``SESSION_COOKIE_AGE``) follows it.
    """

    KEY = "_seen"

    def __init__(self, get_response):
        self.get_response = get_response

    @classmethod
    def touch(cls, request) -> None:
        request.session[cls.KEY] = int(time.time())

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            minutes = settings.STUDENT_SESSION_IDLE_MINUTES if user.is_student else settings.STAFF_SESSION_IDLE_MINUTES
            seen = request.session.get(self.KEY)
            if seen is not None and now - seen > minutes * 60:
                logout(request)
            elif seen is None or now - seen >= 60:
                request.session[self.KEY] = now
        return self.get_response(request)
