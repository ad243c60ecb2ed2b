"""CBEC Supervision project package: settings, URLs, Celery, and what every app shares."""

from cbec_supervision.celery import app as celery_app

__all__ = ("celery_app",)
