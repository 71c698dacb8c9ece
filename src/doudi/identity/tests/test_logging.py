"""Issue 11.2: no full ID number in any log — messages, tracebacks, Django's and gunicorn's."""

from __future__ import annotations

import datetime
import io
import logging
import sys

import pytest
from gunicorn.config import Config

from doudi.conftest import valid_id_number
from doudi.identity.logging import GunicornLogger, RedactIdNumbers, protect_every_handler
from doudi.identity.numbers import mask, mask_id_numbers

NUMBER = valid_id_number("41082119850101001")


def _handler_to(stream: io.StringIO) -> logging.Handler:
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(message)s"))
    return handler


def test_a_traceback_is_masked_too():
    stream = io.StringIO()
    handler = _handler_to(stream)
    handler.addFilter(RedactIdNumbers())
    logger = logging.getLogger("doudi.test.traceback")
    logger.addHandler(handler)
    try:
        raise ValueError(f"no household for {NUMBER}")
    except ValueError:
        logger.exception("looking up %s failed", NUMBER)
    finally:
        logger.removeHandler(handler)
    written = stream.getvalue()
    assert "Traceback" in written and "ValueError" in written
    assert NUMBER not in written and written.count(mask(NUMBER)) >= 2


def test_every_handler_that_exists_gets_the_filter():
    """The configured handler has it; Django's default ones and a library's own get it at start
    (web.apps) — here a handler added afterwards, protected by the same call."""
    stream = io.StringIO()
    stray = logging.getLogger("some.library")
    stray.propagate = False
    handler = _handler_to(stream)
    stray.addHandler(handler)
    try:
        protect_every_handler()
        stray.error("card holder %s", NUMBER)
    finally:
        stray.removeHandler(handler)
    assert NUMBER not in stream.getvalue() and mask(NUMBER) in stream.getvalue()
    for logger in [logging.getLogger(), *logging.Logger.manager.loggerDict.values()]:
        for existing in getattr(logger, "handlers", []):
            if existing is not handler:
                assert any(isinstance(f, RedactIdNumbers) for f in existing.filters), logger


def test_gunicorns_access_log_masks_the_query_string(monkeypatch):
    """The log line of GET /households/?id_number=… (refused, but still logged by gunicorn)."""
    stream = io.StringIO()
    monkeypatch.setattr(sys, "stdout", stream)
    cfg = Config()
    cfg.set("accesslog", "-")
    logger = GunicornLogger(cfg)

    class Response:
        status = "400 Bad Request"
        response_length = 10
        headers = ()
        sent = 10

    class Request:
        headers = ()

    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/households/?id_number={NUMBER}",
        "PATH_INFO": "/households/",
        "QUERY_STRING": f"id_number={NUMBER}",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
    }
    logger.access(Response(), Request(), environ, datetime.timedelta(seconds=0.01))
    for handler in logger.access_log.handlers:
        handler.flush()
    written = stream.getvalue()
    assert "/households/?id_number=" in written
    assert NUMBER not in written and mask(NUMBER) in written


@pytest.mark.django_db
def test_doudi_serve_starts_gunicorn_with_the_masking_logger(monkeypatch):
    from doudi.web.management.commands import serve

    started = {}
    monkeypatch.setattr(serve.os, "execvp", lambda file, args: started.update(args=args))
    serve.Command(stdout=io.StringIO()).run(bind="127.0.0.1:9", workers=1)
    args = started["args"]
    assert args[args.index("--logger-class") + 1] == "doudi.identity.logging.GunicornLogger"


def test_the_free_text_helper_masks_every_number_and_nothing_else():
    text = f"申请人{NUMBER}，卡号 6222021234567890123，电话 13800000000"
    assert (
        mask_id_numbers(text) == f"申请人{mask(NUMBER)}，卡号 6222021234567890123，电话 13800000000"
    )
