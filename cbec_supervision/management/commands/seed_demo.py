"""Demo data for trying the system: accounts for every role in two bureaus, two enterprises (idempotent)."""

from __future__ import annotations

from django.core.management import call_command
from django.db import transaction

from accounts.models import Bureau, User
from accounts.services import account_upsert
from cbec_supervision.management.base import ProjectCommand
from filings.models import EnterpriseFiling
from filings.services import enterprise_create

DEMO_PASSWORD = "Demo-2026!"
ACTOR = "command:seed_demo"

DEMO_ENTERPRISES = [
    {
        "uscc": "91330100MA2CB7K3X8",
        "name": "杭州云购跨境电子商务有限公司",
        "region_code": "330106",
        "types": ["platform", "operator"],
        "legal_representative": "陈立新",
        "contact_name": "王芳",
        "contact_phone": "0571-87651234",
        "address": "浙江省杭州市西湖区文三路 478 号",
    },
    {
        "uscc": "91440101MA5D8QW2LG",
        "name": "广州海通供应链管理有限公司",
        "region_code": "440104",
        "types": ["logistics", "operator"],
        "legal_representative": "林振华",
        "contact_name": "黄敏",
        "contact_phone": "13926051234",
        "address": "广东省广州市越秀区东风中路 318 号",
    },
]

#: (username, role, bureau code, enterprise credit code, what the account is for)
DEMO_ACCOUNTS = [
    ("hq", "hq", None, None, "headquarters: national view"),
    ("zj_admin", "bureau_admin", "ZJ", None, "Zhejiang bureau administrator"),
    ("zj_inspector", "inspector", "ZJ", None, "Zhejiang bureau inspector"),
    ("gd_admin", "bureau_admin", "GD", None, "Guangdong bureau administrator"),
    ("gd_inspector", "inspector", "GD", None, "Guangdong bureau inspector"),
    ("hz_platform", "enterprise", None, "91330100MA2CB7K3X8", "Hangzhou platform and operator (Zhejiang)"),
    ("gz_logistics", "enterprise", None, "91440101MA5D8QW2LG", "Guangzhou logistics and operator (Guangdong)"),
]


class Command(ProjectCommand):
    help = "Create demo enterprises and accounts for every role. Idempotent: a second run changes nothing new."

    def handle(self, *args, **options):
        if not Bureau.objects.filter(code="ZJ").exists():
            call_command("load_reference_data", stdout=self.stdout)
        with transaction.atomic():
            for data in DEMO_ENTERPRISES:
                if not EnterpriseFiling.objects.filter(uscc=data["uscc"]).exists():
                    enterprise_create(actor=ACTOR, **data)
            for username, role, bureau, uscc, _purpose in DEMO_ACCOUNTS:
                if User.objects.filter(username=username).exists():
                    continue
                account_upsert(
                    actor=ACTOR,
                    username=username,
                    password=DEMO_PASSWORD,
                    role=role,
                    bureau_code=bureau,
                    enterprise_uscc=uscc,
                )
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD})")
        for username, role, _bureau, _uscc, purpose in DEMO_ACCOUNTS:
            self.stdout.write(f"  {username:<14} {role:<13} {purpose}")
