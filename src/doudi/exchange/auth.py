"""How a partner system proves who it is: ``Authorization: Bearer <token>``. Partners are not
staff users, so neither knox nor the session applies to them, and staff cannot call here."""

from __future__ import annotations

from rest_framework import authentication, exceptions, permissions
from rest_framework.request import Request

from doudi.exchange import queries
from doudi.exchange.models import PartnerSystem

KEYWORD = "Bearer"


class PartnerAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[PartnerSystem, None] | None:
        words = authentication.get_authorization_header(request).split()
        if not words or words[0].decode("latin-1") != KEYWORD:
            return None
        if len(words) != 2:
            raise exceptions.AuthenticationFailed()
        partner = queries.partner_of_token(words[1].decode("latin-1"))
        if partner is None:  # unknown, or the partner was switched off
            raise exceptions.AuthenticationFailed()
        return partner, None

    def authenticate_header(self, request: Request) -> str:
        # Makes a missing or wrong token a 401 rather than a 403.
        return KEYWORD


class IsPartner(permissions.BasePermission):
    def has_permission(self, request: Request, view: object) -> bool:
        return isinstance(request.user, PartnerSystem)
