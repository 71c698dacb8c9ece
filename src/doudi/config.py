"""Where Doudi keeps its local files and secrets, read before Django's settings exist."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path


def environment_is_production() -> bool:
    return os.environ.get("DOUDI_ENV", "demo") == "production"


def var_dir() -> Path:
    """The folder for the embedded database, generated demo secrets and collected static files."""
    path = Path(os.environ.get("DOUDI_VAR_DIR", Path.cwd() / "var")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def local_secret(variable: str, name: str) -> str:
    """A secret from the environment; outside production, generated once into var/secrets.json.

    In production a missing one is left empty: a generated key there would make every
    encrypted ID number unreadable after the next deploy, so ``doudi.production`` refuses to
    start, saying which variable is missing (rather than a traceback from the settings).
    """
    value = os.environ.get(variable)
    if value:
        return value
    if environment_is_production():
        return ""
    store = var_dir() / "secrets.json"
    stored = json.loads(store.read_text()) if store.exists() else {}
    if name not in stored:
        stored[name] = secrets.token_urlsafe(48)
        temporary = store.with_suffix(".tmp")
        temporary.write_text(json.dumps(stored, indent=2))
        temporary.chmod(0o600)
        temporary.replace(store)
    return stored[name]
