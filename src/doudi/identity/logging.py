"""A logging filter that masks anything shaped like an ID number before it is written.

It masks the message, the formatted traceback and the stack, and it is put on every handler:
those of the settings (``LOGGING``), any other that exists once Django has started
(``protect_every_handler``, from the app's ``ready``), and gunicorn's error and access logs
(``GunicornLogger``, which ``doudi serve`` names), whose request lines carry query strings.
"""

from __future__ import annotations

import logging

from gunicorn.glogging import Logger as GunicornBaseLogger

from doudi.identity.numbers import ID_NUMBER_PATTERN, mask_id_numbers

__all__ = [
    "ID_NUMBER_PATTERN",
    "GunicornLogger",
    "RedactIdNumbers",
    "protect_every_handler",
    "redact",
]

redact = mask_id_numbers


class RedactIdNumbers(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        if record.exc_info:
            # Formatted here, masked, and the live exception dropped: a handler that formats
            # it again (or reads its frames) would see the numbers in messages and locals.
            if not record.exc_text:
                record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def _protect(handler: logging.Handler) -> None:
    if not any(isinstance(f, RedactIdNumbers) for f in handler.filters):
        handler.addFilter(RedactIdNumbers())


def protect_every_handler() -> None:
    """Put the filter on every handler of every logger that exists now (Django's own defaults
    such as ``django.server``, third-party loggers that brought their own handlers)."""
    loggers = [logging.getLogger(), *logging.Logger.manager.loggerDict.values()]
    for logger in loggers:
        for handler in getattr(logger, "handlers", []):
            _protect(handler)


class GunicornLogger(GunicornBaseLogger):
    """gunicorn's logger with the filter on its error and access handlers: the access log
    writes each request line, query string included."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                _protect(handler)
