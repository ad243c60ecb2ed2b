"""Typed helpers that read settings from the environment (healthchecks style)."""

from __future__ import annotations

import os

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class ConfigurationError(RuntimeError):
    """A setting is missing or malformed; the message is one line for the operator."""


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigurationError(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be an integer; got {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_secret(name: str, default: str = "") -> str:
    """A secret from ``<name>``, or from the file that ``<name>_FILE`` names (Docker secrets), as healthchecks does.

    The file's trailing newline is dropped. Giving both is refused rather than one silently winning:
    a key left in ``.env`` beside the mounted secret would otherwise run the app with the wrong one.
    An empty ``<name>`` counts as not given (compose passes ``${NAME:-}`` through as empty).
    """
    direct = os.environ.get(name, "")
    path = os.environ.get(f"{name}_FILE", "")
    if not path:
        return direct or default
    if direct:
        raise ConfigurationError(f"{name} and {name}_FILE are both set; give one of them")
    try:
        with open(path, encoding="utf-8") as handle:
            value = handle.read().rstrip("\r\n")
    except OSError as exc:
        raise ConfigurationError(f"{name}_FILE: cannot read {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise ConfigurationError(f"{name}_FILE: {path} is not UTF-8 text") from None
    if not value:
        raise ConfigurationError(f"{name}_FILE: {path} is empty")
    return value
