"""Private file storage: evidence files live in a folder that no URL serves.

The folder is ``settings.SELFCHECK_PRIVATE_DIR`` (``var/private`` by default), read on
every use so tests and deployments can move it; files are only ever handed out by a
view that checks who is asking.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return str(settings.SELFCHECK_PRIVATE_DIR)

    @property
    def location(self):
        return str(settings.SELFCHECK_PRIVATE_DIR)

    def url(self, name):
        raise ValueError("private files have no URL")

    def deconstruct(self):
        return ("selfcheck.storage.PrivateStorage", (), {})
