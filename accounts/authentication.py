"""Token authentication that refuses an account whose password must first be changed."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication; an account flagged ``must_change_password`` is answered 403.

    Someone else chose its password (a new account, a reset): until its owner changes it in the web
    app, the account does nothing else, through the API neither.
    """

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if user.must_change_password:
            raise exceptions.PermissionDenied(
                _("Change your password at /accounts/password_change/ before using the API.")
            )
        return user, token
