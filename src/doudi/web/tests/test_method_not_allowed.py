"""A GET on what only a form posts to answers 405 with the Chinese refusal page every other
error has, and a link back; under /api/ the API's JSON error."""

from __future__ import annotations

import json

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.views.decorators.http import require_POST

from doudi.web.middleware import BareErrorMiddleware

pytestmark = pytest.mark.django_db

POST_ONLY = [
    "/cases/1/investigate/",
    "/cases/standard-changes/propose/",
    "/policy/values/1/decide/",
    "/jobs/1/retry/",
    "/linkage/1/decide/",
]


@pytest.mark.parametrize("url", POST_ONLY)
def test_a_get_on_a_post_only_page_is_a_chinese_page_with_a_way_back(staff, url):
    client = Client()
    client.force_login(staff.handler)
    response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 405 and response["Allow"] == "POST"
    assert response["Content-Type"].startswith("text/html")
    assert '<html lang="zh-hans">' in page and "此地址不能直接打开" in page
    assert 'role="alert"' in page and 'href="/"' in page and "返回首页" in page


def test_the_api_answers_json_in_its_error_shape(staff):
    client = Client()
    client.force_login(staff.handler)
    response = client.get("/api/v1/cases/1/actions/investigate/")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_a_bare_405_under_the_api_becomes_its_json_error(staff):
    view = BareErrorMiddleware(require_POST(lambda request: HttpResponse("done")))
    request = RequestFactory().get("/api/v1/anything/")
    request.user = staff.handler
    response = view(request)
    assert response.status_code == 405 and response["Allow"] == "POST"
    error = json.loads(response.content)["error"]
    assert error["code"] == "method_not_allowed" and error["message"] and error["message_en"]
