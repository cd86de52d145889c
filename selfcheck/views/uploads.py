"""Upload handling for the import page: a huge file is stopped while it arrives."""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload


class UploadLimitHandler(FileUploadHandler):
    """Stops reading an upload once it passes the limit, so a huge file never lands on disk.

    Installed in front of Django's handlers by the upload view; the form then reports
    the file as too large.
    """

    def __init__(self, request=None, limit: int | None = None):
        super().__init__(request)
        self.limit = limit or settings.SELFCHECK_UPLOAD_LIMIT
        self.received = 0
        self.exceeded = False

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.exceeded = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None
