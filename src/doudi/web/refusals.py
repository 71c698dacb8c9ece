"""A refusal shown on a page next to the field it names, as the API names it in ``field``."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from doudi.errors import DoudiError, ValidationFailed

FORM = "form"  # where a refusal goes that names no field of the page's form


def field_errors(error: DoudiError, fields: Collection[str]) -> dict[str, list[str]]:
    """The refusal's messages under the form field each names (``fields``: the form's input
    names); a message naming no input of the form goes under ``FORM``, shown above it. A whole
    input refused (a bank file) keeps its summary and every fault found, under the same field."""
    problems = error.problems if isinstance(error, ValidationFailed) else []
    errors: dict[str, list[str]] = {}
    for problem in [error, *problems]:
        name = problem.field if problem.field in fields else None
        if name is None and problem is not error and error.field in fields:
            name = error.field  # a fault within the file the refusal names
        errors.setdefault(name or FORM, []).append(problem.render())
    return errors


def labelled_messages(error: DoudiError, labels: Mapping[str, object], most: int = 20) -> list[str]:
    """For a page that shows a refusal above its form: each message, and up to ``most`` faults
    found, preceded by the Chinese label of the field it names (``labels``: input name → label)."""
    problems = error.problems if isinstance(error, ValidationFailed) else []
    shown = []
    for problem in [error, *problems[:most]]:
        label = labels.get(problem.field or "")
        shown.append(f"{label}：{problem.render()}" if label else problem.render())
    return shown
