"""Password hashing with the standard library's scrypt: no extra dependency.

A hash string carries everything needed to check it later, so the cost can be
raised without invalidating stored users (``needs_rehash`` tells the login code
to re-hash with the current cost after a successful check)::

    scrypt$n=32768,r=8,p=1$<salt, base64>$<key, base64>

Why these numbers: n=2**15, r=8 takes about 0.16 s and 32 MiB on the project's
2-core machine, slow enough to make guessing expensive and fast enough for a
login (OWASP's floor is n=2**17; raise ``N`` when the machines allow it). The
salt is 16 random bytes per hash, so equal passwords give different hashes.
Verification compares with ``hmac.compare_digest`` (constant time).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from analyzer.store.errors import InvalidValueError

SCHEME = "scrypt"
N = 2**15
R = 8
P = 1
KEY_BYTES = 32
SALT_BYTES = 16
MIN_LENGTH = 8
MAX_LENGTH = 1024  # scrypt's input is hashed first, but refuse megabyte "passwords" anyway


def _derive(password: str, salt: bytes, n: int, r: int, p: int, key_bytes: int) -> bytes:
    # maxmem: scrypt needs 128 * r * n bytes (plus a little); the default cap (32 MiB) is too tight.
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=key_bytes,
                          maxmem=256 * r * n + 1024 * 1024)


def check_strength(password: str) -> None:
    """Refuse passwords that are too short or absurdly long, with a message saying so."""
    if not isinstance(password, str) or len(password) < MIN_LENGTH:
        raise InvalidValueError(f"password too short: use at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise InvalidValueError(f"password too long: use at most {MAX_LENGTH} characters")


def hash_password(password: str) -> str:
    """A new salted scrypt hash string for ``password`` (checks its length first)."""
    check_strength(password)
    salt = os.urandom(SALT_BYTES)
    key = _derive(password, salt, N, R, P, KEY_BYTES)
    return f"{SCHEME}$n={N},r={R},p={P}${_b64(salt)}${_b64(key)}"


def verify_password(password: str, encoded: str) -> bool:
    """True when ``password`` matches ``encoded``; False for a wrong password or an unreadable hash."""
    parsed = _parse(encoded)
    if parsed is None or not isinstance(password, str) or len(password) > MAX_LENGTH:
        return False
    n, r, p, salt, key = parsed
    return hmac.compare_digest(_derive(password, salt, n, r, p, len(key)), key)


def needs_rehash(encoded: str) -> bool:
    """True when ``encoded`` was made with weaker parameters than the current ones."""
    parsed = _parse(encoded)
    if parsed is None:
        return True
    n, r, p, salt, key = parsed
    return (n, r, p) < (N, R, P) or len(salt) < SALT_BYTES or len(key) < KEY_BYTES


def _parse(encoded: str) -> tuple[int, int, int, bytes, bytes] | None:
    try:
        scheme, params, salt, key = encoded.split("$")
        if scheme != SCHEME:
            return None
        values = dict(item.split("=", 1) for item in params.split(","))
        n, r, p = int(values["n"]), int(values["r"]), int(values["p"])
        if n < 2 or n & (n - 1) or not (1 <= r <= 64) or not (1 <= p <= 16) or n > 2**22:
            return None
        return n, r, p, base64.b64decode(salt, validate=True), base64.b64decode(key, validate=True)
    except (ValueError, KeyError, AttributeError):
        return None


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
