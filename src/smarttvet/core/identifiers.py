"""Kazakhstan's 12-digit identifiers (BIN for organisations, IIN for people) and pseudonymous person keys.

Pure functions: no Django import except the key lookup in :func:`person_key`.
"""

from __future__ import annotations

import hashlib
import hmac
import re

_WEIGHTS_FIRST = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
_WEIGHTS_SECOND = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
_TWELVE_DIGITS = re.compile(r"^\d{12}$")
PERSON_KEY_PATTERN = re.compile(r"^[0-9a-f]{64}$")


def check_digit(first_eleven: str) -> int | None:
    """The control digit of a BIN/IIN from its first 11 digits, or None if no valid one exists.

    The state algorithm: weighted sum with weights 1..11 modulo 11; when that gives 10, a second
    sum with weights 3..11,1,2 modulo 11; when that gives 10 too, the number cannot be issued.
    """
    digits = [int(c) for c in first_eleven]
    for weights in (_WEIGHTS_FIRST, _WEIGHTS_SECOND):
        control = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if control != 10:
            return control
    return None


def twelve_digit_problem(value: str, label: str = "BIN") -> str | None:
    """Why ``value`` is not a valid BIN/IIN, or None when it is valid."""
    if not _TWELVE_DIGITS.match(value):
        return f"{label} must be exactly 12 digits, got {value!r}"
    expected = check_digit(value[:11])
    if expected is None:
        return f"{label} {value} has no valid check digit (its first 11 digits cannot be issued)"
    if int(value[11]) != expected:
        return f"{label} {value} fails the check digit: the last digit should be {expected}"
    return None


def complete_with_check_digit(first_eleven: str) -> str | None:
    """Append the check digit to 11 digits, or None if these digits cannot form a valid number."""
    control = check_digit(first_eleven)
    return None if control is None else f"{first_eleven}{control}"


def person_key(iin: str, *, key: str | None = None) -> str:
    """The keyed hash (HMAC-SHA256, hex) that stands for a person instead of their IIN.

    The same IIN gives the same key under the same secret, so records match across imports,
    while the IIN itself is never stored. The secret comes from SMARTTVET_PERSON_KEY.
    """
    if key is None:
        from django.conf import settings

        key = settings.PERSON_KEY
    return hmac.new(key.encode(), iin.encode(), hashlib.sha256).hexdigest()
