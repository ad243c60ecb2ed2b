"""Base for the project's commands: bad input ends with one line on stderr and a non-zero exit."""

from __future__ import annotations

import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cbec_supervision.correlation import correlated


def validation_message(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
    return " ".join(exc.messages)


class ProjectCommand(BaseCommand):
    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)

        def one_line_error(message: str) -> None:
            sys.stderr.write(f"{prog_name} {subcommand}: {message}\n")
            sys.exit(2)

        parser.error = one_line_error
        return parser

    def execute(self, *args, **options):
        try:
            # Each run is one unit of work on the audit trail: its changes share a correlation id.
            with correlated():
                return super().execute(*args, **options)
        except ValidationError as exc:
            raise CommandError(validation_message(exc)) from None
