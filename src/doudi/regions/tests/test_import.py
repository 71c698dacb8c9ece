"""Importing an official division code list: all rows or none, every fault named."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from doudi.accounts.roles import Role
from doudi.audit.models import AuditEvent
from doudi.conftest import INSIDE_COUNTY
from doudi.errors import NotPermitted, ValidationFailed
from doudi.regions.models import Region
from doudi.regions.services import import_regions

pytestmark = pytest.mark.django_db

GOOD = """code,name,urban_rural
410000000000,河南省,
410800000000,焦作市,
410821000000,修武县,
410821901000,测试街道,urban
410821901001,测试社区,111
410821902000,测试镇,农村
410821902001,测试村,220
"""


def test_a_good_file_builds_the_tree_with_classifications():
    summary = import_regions(None, GOOD.encode(), "good.csv")
    assert (summary.created, summary.updated, summary.unchanged) == (7, 0, 0)
    village = Region.objects.get(code="410821902001")
    assert village.parent_id == "410821902000"
    assert village.level == "village"
    assert village.classification == "rural"
    assert Region.objects.get(code="410821901001").classification == "urban"
    assert Region.objects.get(code="410821000000").classification == ""
    event = AuditEvent.objects.get(action="regions.import")
    assert event.after["created"] == 7


def test_gb18030_files_are_read():
    summary = import_regions(None, GOOD.encode("gb18030"), "good-gbk.csv")
    assert summary.created == 7
    assert Region.objects.get(code="410821000000").name == "修武县"


def test_chinese_headers_are_accepted():
    text = GOOD.replace("code,name,urban_rural", "统计用区划代码,名称,城乡分类代码")
    assert import_regions(None, text.encode(), "zh.csv").created == 7


def test_reimport_renames_and_counts_unchanged():
    import_regions(None, GOOD.encode(), "good.csv")
    renamed = GOOD.replace("测试村,220", "测试新村,220")
    summary = import_regions(None, renamed.encode(), "renamed.csv")
    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 6)
    assert Region.objects.get(code="410821902001").name == "测试新村"
    event = AuditEvent.objects.filter(action="regions.import").last()
    assert event.before == {"410821902001": {"name": "测试村", "classification": "rural"}}


BAD_ROWS = [
    ("410821902002,短码村", "4108219020,短码村,220", "code"),
    ("dup", "410821902001,重复村,220", "code"),
    ("no name", "410821902003,,220", "name"),
    ("no class", "410821902004,无分类村,", "urban_rural"),
    ("bad class", "410821902005,怪分类村,城乡", "urban_rural"),
    ("orphan", "410821903001,孤儿村,220", "code"),
    ("county classified", "410822000000,博爱县,urban", "urban_rural"),
]


@pytest.mark.parametrize(("label", "line", "column"), BAD_ROWS, ids=[r[0] for r in BAD_ROWS])
def test_one_bad_row_imports_nothing_and_names_row_and_column(label, line, column):
    with pytest.raises(ValidationFailed) as caught:
        import_regions(None, (GOOD + line + "\n").encode(), "bad.csv")
    assert Region.objects.count() == 0
    assert not AuditEvent.objects.exists()
    (problem,) = caught.value.problems
    assert (problem.row, problem.column) == (9, column)
    assert problem.render().startswith("第 9 行")
    assert problem.render("en").startswith("Row 9, column")


def test_every_problem_in_the_file_is_listed_at_once():
    text = GOOD + "4108,短,220\n410821902009,,220\n"
    with pytest.raises(ValidationFailed) as caught:
        import_regions(None, text.encode(), "bad.csv")
    assert [(p.row, p.column) for p in caught.value.problems] == [(9, "code"), (10, "name")]


def test_a_file_without_the_required_columns_is_refused():
    with pytest.raises(Exception, match="urban_rural"):
        import_regions(None, "code,name\n410000000000,河南省\n".encode(), "x.csv")
    assert Region.objects.count() == 0


def test_binary_garbage_is_refused_clearly():
    with pytest.raises(Exception, match="UTF-8"):
        import_regions(None, b"\xff\xfe\x00\x81\x82\x83" * 10, "x.csv")


def test_once_an_administrator_exists_someone_must_be_named(admin_user):
    with pytest.raises(NotPermitted):
        import_regions(None, GOOD.encode(), "good.csv")


def test_only_administrators_import_and_only_inside_their_jurisdiction(make_user, admin_user):
    county = make_user(Role.COUNTY_APPROVER)
    with pytest.raises(NotPermitted):
        import_regions(county, GOOD.encode(), "good.csv")
    # admin_user sits in 修武县: rows for the province and city lie outside it.
    with pytest.raises(ValidationFailed) as caught:
        import_regions(admin_user, GOOD.encode(), "good.csv")
    assert {p.row for p in caught.value.problems} == {2, 3}
    inside = "code,name,urban_rural\n410821902009,新设村,220\n"
    assert import_regions(admin_user, inside.encode(), "inside.csv").created == 1
    assert admin_user.region_id == INSIDE_COUNTY


def test_the_command_line_exits_non_zero_with_the_row_named(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(GOOD + "4108,短,220\n", encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("regions", "import", str(bad))
    assert "第 9 行" in str(caught.value)
    assert "Row 9" in str(caught.value)
    assert Region.objects.count() == 0
    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8")
    out = io.StringIO()
    call_command("regions", "import", str(good), stdout=out)
    assert Region.objects.count() == 7
