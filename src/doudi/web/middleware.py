"""Language choice, the audit channel of each request, and the conversion of refusals into pages."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _

from doudi.audit.channels import Channel, acting_through
from doudi.boundary import refuse_nul
from doudi.errors import DoudiError
from doudi.identity.numbers import ID_NUMBER_PATTERN
from doudi.web.views import refusal

SUPPORTED = {code for code, _name in settings.LANGUAGES}


class LanguageMiddleware:
    """Pages are Chinese unless the user picked English; API clients may also ask by header.

    Django's own LocaleMiddleware would follow the browser's Accept-Language, so a bureau PC with
    an English browser would get English pages without anyone choosing it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in SUPPORTED:
            language = settings.LANGUAGE_CODE
            if request.path.startswith("/api/"):
                language = translation.get_language_from_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers.setdefault("Content-Language", language)
        return response


class ChannelMiddleware:
    """Marks every audit event recorded while serving a request with the door it came through:
    ``api`` under /api/, ``web`` for the pages (log-in and log-out included)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        channel = Channel.API if request.path.startswith("/api/") else Channel.WEB
        with acting_through(channel):
            return self.get_response(request)


class NulMiddleware:
    """A NUL character in the URL, its query or a page's form field is refused here, naming the
    field, before any view reads it (doudi/boundary.py). The API's bodies are checked by its
    parsers, which DRF runs, so they are not read here."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            refuse_nul([("path", request.path)])
            refuse_nul((name, value) for name, values in request.GET.lists() for value in values)
            if request.method == "POST" and not request.path.startswith("/api/"):
                fields = request.POST.lists()
                refuse_nul((name, value) for name, values in fields for value in values)
        except DoudiError as error:
            return refusal(request, error)
        return self.get_response(request)


class RefusalMiddleware:
    """A refusal raised by a service becomes a page with its message and status, not a 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DoudiError) or request.path.startswith("/api/"):
            return None
        return refusal(request, exception)


class MethodNotAllowed(DoudiError):
    """The URL is not answered to this method (a GET on what a form posts to)."""

    code = "method_not_allowed"
    http_status = 405


# What a bare error status says, as a refusal: Django answers ``require_POST`` and
# ``require_http_methods`` with an empty 405, and has no handler for it as for 403 or 404.
BARE_STATUS_MESSAGES = {
    405: _(
        "This address is not opened directly: the page's form sends it. Go back to the page "
        "and use its button."
    ),
}
BARE_STATUS_OTHERWISE = _("The request could not be answered. Go back to the page and try again.")


class BareErrorMiddleware:
    """An error answered with an empty body (405 from ``require_POST``, and any other bare
    4xx) becomes the refusal page every other error has, in the user's language; under /api/
    the API's JSON error. Its status and headers (``Allow``) are kept."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code < 400 or response.streaming or response.content:
            return response
        message = BARE_STATUS_MESSAGES.get(response.status_code, BARE_STATUS_OTHERWISE)
        error = MethodNotAllowed(message) if response.status_code == 405 else DoudiError(message)
        page = refusal(request, error, status=response.status_code)
        for header in ("Allow",):
            if header in response.headers:
                page.headers[header] = response.headers[header]
        return page


ID_NUMBER_IN_URL = _(
    "An ID number is never sent in a web address, where it would stay in browser histories and "
    "server logs. Use the search form (it sends the number by POST); through the API, POST it "
    "in the body (for households: POST /api/v1/households/search/)."
)


class IdNumberNotInUrlMiddleware:
    """Refuses, with 400 and before any view, a request whose query string carries an ID number:
    a parameter named ``id_number`` or any value shaped like one. Every page and API list is
    covered at once, including ones added later."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for name, values in request.GET.lists():
            named = name.endswith("id_number") and any(v.strip() for v in values)
            if named or any(ID_NUMBER_PATTERN.search(v) for v in values):
                return refusal(request, DoudiError(ID_NUMBER_IN_URL, field=name), status=400)
        return self.get_response(request)


class PasswordChangeMiddleware:
    """While a user must change a password somebody else chose, every page but the change page
    (and log-out) leads there; the API answers with a refusal. (API tokens are not even issued
    meanwhile: accounts.services.issue_token.)"""

    OPEN = ("/logout/", "/static/", "/i18n/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.must_change_password
            and request.path != reverse("accounts:password")
            and not request.path.startswith(self.OPEN)
        ):
            if request.path.startswith("/api/"):
                from doudi.accounts.services import PASSWORD_CHANGE_REQUIRED, PasswordChangeRequired

                error = PasswordChangeRequired(PASSWORD_CHANGE_REQUIRED)
                return JsonResponse({"error": error.as_dict()}, status=error.http_status)
            return redirect("accounts:password")
        return self.get_response(request)


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every response that reaches Doudi's own code: pages,
    documents, exports and the API all carry personal data, and a shared office PC or a proxy
    must keep none of it. (Static files are answered before, by WhiteNoise, and may be cached.)
    Whatever a view said about caching is replaced, not merged: ``no-store`` with a ``max-age``
    beside it would still invite a careless cache."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers["Cache-Control"] = "no-store"
        return response
