"""The demo writes department files and snapshots under the data directory: a private one."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def private_var_dir(settings, tmp_path) -> Path:
    settings.VAR_DIR = tmp_path / "var"
    settings.DOUDI_SNAPSHOT_URI = ""
    return settings.VAR_DIR
