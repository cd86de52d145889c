"""Remember which sessions a user signed in with (see ``services.sessions``)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from selfcheck.middleware import IdleSessionMiddleware
from selfcheck.services.sessions import session_forget, session_remember


@receiver(user_logged_in, dispatch_uid="selfcheck.session_remember")
def _remember(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        IdleSessionMiddleware.touch(request)
        if request.session.session_key is None:
            request.session.save()
        session_remember(user, request.session.session_key)


@receiver(user_logged_out, dispatch_uid="selfcheck.session_forget")
def _forget(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        session_forget(request.session.session_key)
