"""Log lines never carry a whole ID number.

A log record factory, installed once per process, masks ID numbers in the message and in
the traceback text of every record, whichever logger or handler (access logs included)
produces it: an ID can reach a log through a database error's detail, a URL or a
message nobody thought about.
"""

from __future__ import annotations

import logging
import traceback

from selfcheck.masking import mask_ids_in_text


def mask_record(record: logging.LogRecord) -> logging.LogRecord:
    try:
        message = record.getMessage()
    except Exception:  # a broken format string stays as it is; logging reports it
        return record
    masked = mask_ids_in_text(message)
    if masked != message:
        record.msg, record.args = masked, ()
    if record.exc_info and record.exc_info[0] is not None:
        text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        masked = mask_ids_in_text(text)
        if masked != text:
            # Formatters print exc_text when there is no exc_info to format again.
            record.exc_text, record.exc_info = masked, None
    return record


def install_log_masking() -> None:
    previous = logging.getLogRecordFactory()
    if getattr(previous, "masks_id_numbers", False):
        return

    def factory(*args, **kwargs):
        return mask_record(previous(*args, **kwargs))

    factory.masks_id_numbers = True
    logging.setLogRecordFactory(factory)
