"""ID numbers are masked in every log line, message and traceback alike."""

from __future__ import annotations

import io
import logging

import selfcheck  # noqa: F401  (installs the masking)

FULL = "110105200705120416"


def _capture(callback) -> str:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger = logging.getLogger("selfcheck.test_logmask")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        callback(logger)
    finally:
        logger.removeHandler(handler)
    return stream.getvalue()


def test_message_and_arguments_are_masked():
    text = _capture(lambda log: log.info("Not Found: /x?q=%s for %s", FULL, "张三"))
    assert FULL not in text and "**************0416" in text and "张三" in text


def test_traceback_text_is_masked():
    def boom(log):
        try:
            raise ValueError(f"duplicate key value violates unique constraint DETAIL: Key (id_number)=({FULL})")
        except ValueError:
            log.exception("commit failed")

    text = _capture(boom)
    assert "ValueError" in text and "Traceback" in text
    assert FULL not in text and "0416" in text


def test_other_numbers_are_left_alone():
    text = _capture(
        lambda log: log.warning("student %s phone %s exam %s", "202601000001", "13800138000", "26110101150001")
    )
    assert "202601000001" in text and "13800138000" in text and "26110101150001" in text


def test_caplog_sees_masked_records(caplog):
    caplog.set_level(logging.DEBUG)
    logging.getLogger("django.request").warning("Forbidden: /audit/?target=%s", FULL)
    assert FULL not in caplog.text
