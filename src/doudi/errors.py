"""Refusals that reach a user: one message, rendered in Chinese first and English on request.

Services raise these; every face (web, API, CLI) turns them into a clear answer without a
traceback. The message is a lazy translation plus its parameters, so the same refusal can be
shown in either language after it was raised.
"""

from __future__ import annotations

from contextlib import nullcontext

from django.utils import translation


class DoudiError(Exception):
    """Bad input or a refused action; nothing was changed."""

    code = "invalid"
    http_status = 400

    def __init__(self, message, /, *, field: str | None = None, **params: object) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.params = params

    def render(self, language: str | None = None) -> str:
        with translation.override(language) if language else nullcontext():
            text = str(self.message)
            return text % self.params if self.params else text

    def __str__(self) -> str:
        return self.render()

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "message": self.render(),
            "message_en": self.render("en"),
            "field": self.field,
        }


class NotPermitted(DoudiError):
    """The user's role does not allow this action anywhere."""

    code = "not_permitted"
    http_status = 403


class OutsideJurisdiction(DoudiError):
    """The object is not in the user's jurisdiction; answered as if it did not exist."""

    code = "not_found"
    http_status = 404


class ValidationFailed(DoudiError):
    """A whole input (a file, a form) was refused; ``problems`` lists every fault found."""

    code = "validation_failed"

    def __init__(self, message, /, *, problems: list[DoudiError], **params: object) -> None:
        super().__init__(message, **params)
        self.problems = problems

    def as_dict(self) -> dict[str, object]:
        return {**super().as_dict(), "problems": [p.as_dict() for p in self.problems]}


class CellError(DoudiError):
    """One fault in one cell of an imported file, named by row and column."""

    code = "invalid_cell"

    def __init__(self, message, /, *, row: int, column: str, **params: object) -> None:
        super().__init__(message, field=column, **params)
        self.row = row
        self.column = column

    def render(self, language: str | None = None) -> str:
        from django.utils.translation import gettext

        with translation.override(language) if language else nullcontext():
            where = gettext("Row %(row)d, column “%(column)s”: ") % {
                "row": self.row,
                "column": self.column,
            }
        return where + super().render(language)

    def as_dict(self) -> dict[str, object]:
        return {**super().as_dict(), "row": self.row, "column": self.column}
