"""A logging filter that masks anything shaped like an ID number before it is written."""

from __future__ import annotations

import logging
import re

from doudi.identity.numbers import mask

ID_NUMBER_PATTERN = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")


def redact(text: str) -> str:
    return ID_NUMBER_PATTERN.sub(lambda match: mask(match.group(0)), text)


class RedactIdNumbers(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        return True
