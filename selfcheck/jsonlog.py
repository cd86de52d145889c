"""Log lines as one JSON object each, for production log collectors."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from selfcheck.masking import mask_ids_in_text

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_") and key != "request":
                if isinstance(value, (int, float, bool, type(None))):
                    entry[key] = value
                else:
                    # Extra fields skip the record factory's masking of the message.
                    entry[key] = mask_ids_in_text(str(value))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)
