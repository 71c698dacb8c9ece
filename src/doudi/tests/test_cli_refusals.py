"""A refusal on the real command line is printed as it is: Chinese, then English, each problem
with its field, and no English class name or traceback before it."""

from __future__ import annotations

import json
import os
import subprocess
import sys


def test_the_command_line_prints_a_refusal_plainly(tmp_path):
    form = tmp_path / "household.json"
    form.write_text(json.dumps({"region": "410821902001", "members": [{"key": "a"}]}))
    environment = {**os.environ, "DOUDI_VAR_DIR": str(tmp_path), "DATABASE_URL": ""}
    done = subprocess.run(
        [sys.executable, "-m", "doudi", "evaluate", str(form), "--month", "2026-13"],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )
    assert done.returncode == 1
    assert "CommandError" not in done.stderr and "Traceback" not in done.stderr
    assert "month" in done.stderr and "不是" in done.stderr
