"""No codes on any page: every demo role crawls what it can reach and reads only Chinese.

Each demo account follows every same-site link from its home page, breadth first, and each page's
visible text (tags, scripts and attributes removed) must show no choice code (programme, step,
state, payroll line kind, change direction, audit action, role...), no English word, no "fen",
and no 12-digit place code standing alone without its place's name.
"""

from __future__ import annotations

import html
import importlib
import pkgutil
import re
from collections import Counter, deque
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command
from django.db import models
from django.test import Client

import doudi
from doudi.accounts.models import User
from doudi.demo.loader import DEMO_ACCOUNTS
from doudi.regions.models import Region

pytestmark = pytest.mark.django_db

PAGES_PER_ROLE = 400
# Pages of one shape (/households/<id>/) share a template: a few of each show what it prints.
PAGES_PER_SHAPE = 3
# Not pages of ours: leaving, switching language, Django's admin and the API's own renderer.
SKIPPED = ("/logout/", "/i18n/", "/admin/", "/api/")
# Downloads (PDF notices, Excel exports): files, not pages.
DOWNLOAD = re.compile(r"\.(pdf|xlsx|csv|zip)$|/export/")
# Only acronyms and file formats, which a Chinese page writes in Latin letters too (any case:
# a file's suffix is written .xlsx).
ALLOWED_WORDS = {
    "pdf",
    "excel",
    "api",
    "csv",
    "xlsx",
    "parquet",  # a departments' data file format, named where the file is chosen
    "jpeg",  # photo formats, named where a document's photo is uploaded
    "png",
    "english",  # the language switch offers English in its own name
}
# Modules that run something when imported, or hold no vocabulary of the pages.
NOT_IMPORTED = re.compile(r"\.(tests|migrations|management|__main__|wsgi|conftest)\b")
HASH = re.compile(r"\b[0-9a-f]{32,}\b")  # a digest, shown to be compared, not read
LATIN_WORD = re.compile(r"(?<![A-Za-z])[A-Za-z]{3,}(?![A-Za-z])")
PLACE_CODE = re.compile(r"(?<![\d-])\d{12}(?![\d-])")  # not a file number's first part
FEN = re.compile(r"(?<![A-Za-z])fen(?![A-Za-z])|分\s*[（(]\s*fen", re.IGNORECASE)
# The audit event's before and after are its stored record, shown verbatim to be verified.
INVISIBLE = re.compile(
    r"<(script|style|template)\b.*?</\1\s*>|<!--.*?-->|<pre class=\"json\">.*?</pre>",
    re.DOTALL | re.IGNORECASE,
)
TAG = re.compile(r"<[^>]*>")
HREF = re.compile(r"""<a\b[^>]*?\bhref\s*=\s*["']([^"']+)["']""", re.IGNORECASE)


def _choice_codes() -> set[str]:
    """Every TextChoices value of the project: its models, enums and vocabularies."""
    for module in pkgutil.walk_packages(doudi.__path__, "doudi."):
        if not NOT_IMPORTED.search(module.name):
            importlib.import_module(module.name)
    codes: set[str] = set()
    pending = list(models.TextChoices.__subclasses__())
    while pending:
        choices = pending.pop()
        pending.extend(choices.__subclasses__())
        if choices.__module__.startswith("doudi."):
            codes.update(str(value) for value in choices.values)
    return {code for code in codes if LATIN_WORD.search(code)}


def visible_text(page: str) -> str:
    return html.unescape(TAG.sub(" ", INVISIBLE.sub(" ", page)))


def _links(page: str, here: str) -> list[str]:
    found = []
    for href in HREF.findall(page):
        url = urldefrag(html.unescape(href)).url
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not url:
            continue
        if not url.startswith("/"):
            url = here.rsplit("/", 1)[0] + "/" + url
        if not url.startswith(SKIPPED) and not DOWNLOAD.search(urlsplit(url).path):
            found.append(url)
    return found


def _whole_word(code: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w.]){re.escape(code)}(?![\w])")


def faults(
    text: str, codes: set[str], place_names: dict[str, str], usernames: tuple[str, ...] = ()
) -> list[str]:
    """What a Chinese reader should not meet in this text. ``usernames``: log-in names, typed
    by their owners in Latin letters, are not words of the page."""
    for username in usernames:
        text = _whole_word(username).sub(" ", text)
    text = HASH.sub(" ", text)
    found = [f"code {code!r}" for code in sorted(codes) if _whole_word(code).search(text)]
    found += [
        f"English {word!r}"
        for word in sorted(set(LATIN_WORD.findall(text)))
        if word.casefold() not in ALLOWED_WORDS
    ]
    if FEN.search(text):
        found.append("fen")
    for code in sorted(set(PLACE_CODE.findall(text))):
        name = place_names.get(code)
        if name is not None and name not in text:
            found.append(f"place code {code} without its name {name}")
    return found


def _crawl(client: Client, *checked: object) -> dict[str, list[str]]:
    seen = {"/"}
    queue = deque(["/"])
    problems: dict[str, list[str]] = {}
    visited = 0
    shapes: Counter[str] = Counter()
    while queue and visited < PAGES_PER_ROLE:
        url = queue.popleft()
        response = client.get(url)
        visited += 1
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        page = response.content.decode()
        found = faults(visible_text(page), *checked)
        if found:
            problems[url] = found
        for link in _links(page, url):
            shape = re.sub(r"\d+", "#", link)
            if link not in seen and shapes[shape] < PAGES_PER_SHAPE:
                seen.add(link)
                shapes[shape] += 1
                queue.append(link)
    return problems


def test_the_code_check_finds_what_it_looks_for():
    codes = {"minimum_living", "case.request_check"}
    names = {"410821902000": "示例镇"}
    assert faults("低保 minimum_living", codes, names)[0] == "code 'minimum_living'"
    assert "code 'case.request_check'" in faults("动作 case.request_check", codes, names)
    assert faults("100.00 fen", set(), names) == ["English 'fen'", "fen"]
    assert faults("410821902000", set(), names) == [
        "place code 410821902000 without its name 示例镇"
    ]
    assert faults("示例镇（410821902000） 导出 Excel 或 PDF（.pdf）", codes, names) == []
    assert faults("经办人 handler", codes, names, ("handler",)) == []
    assert faults("哈希 " + "ab12" * 16, codes, names) == []
    assert faults("档案号 410821902001-0001", codes, names) == []
    assert visible_text('<p title="regular">低保</p><script>var top_up;</script>') == " 低保  "
    assert visible_text('<pre class="json">{"name": null}</pre>') == " "


@pytest.mark.slow  # about 25 s: the demo, then some 300 pages
def test_no_page_of_any_demo_role_shows_a_code_or_an_english_word():
    call_command("demo", "load")
    codes = _choice_codes()
    place_names = dict(Region.objects.values_list("code", "name"))
    usernames = tuple(User.objects.values_list("username", flat=True))
    problems = {}
    for account in DEMO_ACCOUNTS:
        client = Client()
        client.force_login(User.objects.get(username=account.username))
        for url, found in _crawl(client, codes, place_names, usernames).items():
            problems[f"{account.username} {url}"] = found
    assert problems == {}
