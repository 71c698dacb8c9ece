"""Each test keeps its snapshots in its own folder, and names the sample exports."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"

# Each source's sample export (copied from the departments' samples, /work/shared/departments).
SAMPLES = {
    "deaths": "公安_死亡注销.csv",
    "vehicles": "车管_机动车.csv",
    "real_estate": "不动产_登记.csv",
    "businesses": "市场监管_市场主体.csv",
    "provident_fund": "公积金_缴存.csv",
    "pensions": "社保_养老待遇.csv",
    "employment": "人社_就业失业.csv",
    "disability": "残联_残疾人证.csv",
    "medical": "医保_费用结算.csv",
    "poverty_monitoring": "乡村振兴_监测对象.csv",
    "bank": "银行_存款.csv",
    "tax": "税务_个人所得.csv",
    "education": "教育_困难学生认定.csv",
}


def sample(source: str) -> bytes:
    return (DATA / SAMPLES[source]).read_bytes()


@pytest.fixture(autouse=True)
def private_snapshots(settings, tmp_path) -> Path:
    settings.VAR_DIR = tmp_path / "var"
    settings.DOUDI_SNAPSHOT_URI = ""
    return tmp_path / "var" / "snapshots"
