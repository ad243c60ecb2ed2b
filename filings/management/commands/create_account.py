"""Create or update an account: python manage.py create_account --username U --password P --role ROLE ...

It lives with the filings because an enterprise account may draft its enterprise's filing.
"""

from __future__ import annotations

from accounts.choices import Role
from cbec_supervision.management.base import ProjectCommand
from filings.services import account_provision


class Command(ProjectCommand):
    help = "Create an account, or update the password and role of an existing one (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument("--password", required=True)
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--bureau", help="bureau code (staff roles; hq may omit it)")
        parser.add_argument("--enterprise", help="the enterprise's unified social credit code (enterprise role)")
        parser.add_argument("--enterprise-name", help="creates a draft filing when none exists for --enterprise")

    def handle(self, *args, **options):
        user, created = account_provision(
            actor="command:create_account",
            username=options["username"],
            password=options["password"],
            role=options["role"],
            bureau_code=options.get("bureau"),
            enterprise_uscc=options.get("enterprise"),
            enterprise_name=options.get("enterprise_name"),
        )
        where = user.bureau.code if user.bureau_id else (user.enterprise.uscc if user.enterprise_id else "-")
        verb = "created" if created else "updated"
        self.stdout.write(f"{verb} {user.username} ({user.role}, {where})")
