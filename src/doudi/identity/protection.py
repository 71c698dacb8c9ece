"""Encryption at rest and the keyed look-up hash for ID numbers.

One master key (``DOUDI_DATA_KEY``) is stretched with HKDF into two independent keys: one for
authenticated encryption (Fernet: AES-128-CBC with HMAC-SHA256, a fresh IV each time, so equal
numbers encrypt differently) and one for an HMAC-SHA256 look-up hash, which is equal for equal
numbers and so can be indexed and searched without ever decrypting.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


def _derive(master: str, purpose: bytes) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"doudi-id-number", info=purpose)
    return hkdf.derive(master.encode())


@lru_cache(maxsize=4)
def _keys(master: str) -> tuple[Fernet, bytes]:
    encryption_key = base64.urlsafe_b64encode(_derive(master, b"encrypt"))
    return Fernet(encryption_key), _derive(master, b"lookup")


def _current_keys() -> tuple[Fernet, bytes]:
    return _keys(settings.DOUDI_DATA_KEY)


def encrypt(value: str) -> str:
    fernet, _ = _current_keys()
    return fernet.encrypt(value.encode()).decode("ascii")


def decrypt(token: str) -> str:
    fernet, _ = _current_keys()
    try:
        return fernet.decrypt(token.encode("ascii")).decode()
    except InvalidToken:
        raise ValueError("ID number ciphertext does not match the configured key") from None


def lookup_hash(value: str) -> str:
    """The hex HMAC of the normalised number: the only form of an ID number used to search."""
    _, key = _current_keys()
    return hmac.new(key, value.strip().upper().encode(), hashlib.sha256).hexdigest()
