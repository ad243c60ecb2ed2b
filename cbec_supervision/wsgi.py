"""WSGI entry point (gunicorn cbec_supervision.wsgi)."""

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cbec_supervision.settings")

from django.core.wsgi import get_wsgi_application  # noqa: E402

from cbec_supervision.env import ConfigurationError  # noqa: E402

try:
    application = get_wsgi_application()
except ConfigurationError as exc:
    sys.exit(f"configuration error: {exc}")
