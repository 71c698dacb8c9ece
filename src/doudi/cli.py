"""The ``doudi`` command: Doudi's own commands first, every Django management command behind."""

from __future__ import annotations

import os
import sys

OWN_APPS_PREFIX = "doudi."
# Commands that run whatever the production gate says: the one that reports it.
UNGATED_COMMANDS = {"check"}


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doudi.settings")
    arguments = list(sys.argv[1:] if argv is None else argv)
    import django
    from django.core.management import execute_from_command_line

    if arguments in ([], ["-h"], ["--help"], ["help"]):
        django.setup()
        print(_overview())
        return
    if arguments[0] not in UNGATED_COMMANDS and not arguments[0].startswith("-"):
        # In production no command runs with a missing or weak secret: an ID number encrypted
        # with the wrong key could never be read again (doudi.production).
        django.setup()
        from doudi.production import refuse_unsafe_start

        refuse_unsafe_start(database=False)
    execute_from_command_line(["doudi", *arguments])


def _overview() -> str:
    from django.core.management import get_commands, load_command_class

    own = sorted(name for name, app in get_commands().items() if app.startswith(OWN_APPS_PREFIX))
    lines = [
        "usage: doudi COMMAND [options]   (doudi COMMAND --help for details)",
        "",
        "Doudi (兜底) social-assistance management. Commands:",
    ]
    for name in own:
        command = load_command_class(get_commands()[name], name)
        lines.append(f"  {name:<12} {command.help.splitlines()[0] if command.help else ''}")
    lines += [
        "",
        "Every Django management command is available too, e.g. doudi migrate, doudi check.",
        "Configuration comes from the environment: see README.md.",
    ]
    return "\n".join(lines)
