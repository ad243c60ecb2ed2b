"""The password rule of a government system, and one-time passwords. Pure: no database.

Django's validators (similarity to the user's attributes, common passwords, all digits) run beside
``ComplexityValidator``: at least ``PASSWORD_MIN_LENGTH`` characters (10) drawn from at least
``PASSWORD_MIN_CLASSES`` (3) of the four classes: lower case, upper case, digits, other characters.
"""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

#: the four character classes, in the order the help text names them
CLASSES = (
    ("lower", lambda c: c.islower()),
    ("upper", lambda c: c.isupper()),
    ("digit", lambda c: c.isdigit()),
    ("other", lambda c: not c.isalnum()),
)


def character_classes(password: str) -> int:
    """How many of the four classes ``password`` draws from."""
    return sum(1 for _name, test in CLASSES if any(test(c) for c in password))


class ComplexityValidator:
    """At least ``min_length`` characters from at least ``min_classes`` of the four character classes."""

    def __init__(self, min_length: int = 10, min_classes: int = 3):
        self.min_length = max(1, int(min_length))
        self.min_classes = min(4, max(1, int(min_classes)))

    def validate(self, password: str, user=None) -> None:
        errors = []
        if len(password) < self.min_length:
            errors.append(
                ValidationError(
                    ngettext(
                        "This password is too short. It must contain at least %(min_length)d character.",
                        "This password is too short. It must contain at least %(min_length)d characters.",
                        self.min_length,
                    ),
                    code="password_too_short",
                    params={"min_length": self.min_length},
                )
            )
        if character_classes(password) < self.min_classes:
            errors.append(
                ValidationError(
                    _(
                        "This password must mix at least %(min_classes)d of: lower-case letters, upper-case "
                        "letters, digits, other characters."
                    ),
                    code="password_too_simple",
                    params={"min_classes": self.min_classes},
                )
            )
        if errors:
            raise ValidationError(errors)

    def get_help_text(self) -> str:
        return _(
            "Your password must contain at least %(min_length)d characters, mixing at least %(min_classes)d of: "
            "lower-case letters, upper-case letters, digits, other characters."
        ) % {"min_length": self.min_length, "min_classes": self.min_classes}


#: no look-alikes (0/O, 1/l/I) in a password read off a screen and typed in
_ONE_TIME_ALPHABET = {
    "lower": "abcdefghijkmnpqrstuvwxyz",
    "upper": "ABCDEFGHJKLMNPQRSTUVWXYZ",
    "digit": "23456789",
    "other": "-_#%+=",
}


def one_time_password(length: int = 14) -> str:
    """A random password with every character class, long enough for any configured rule."""
    length = max(length, 12)
    chars = [secrets.choice(alphabet) for alphabet in _ONE_TIME_ALPHABET.values()]
    pool = "".join(_ONE_TIME_ALPHABET.values())
    chars += [secrets.choice(pool) for _ in range(length - len(chars))]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)


__all__ = ["ComplexityValidator", "character_classes", "one_time_password"]
