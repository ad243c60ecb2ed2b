"""Demo data for trying the system: accounts for every role in two bureaus, three enterprises (idempotent)."""

from __future__ import annotations

from django.core.management import call_command
from django.db import transaction
from django.utils import translation

from accounts.models import Bureau, User
from cbec_supervision.management.base import ProjectCommand
from demo.counterfeit import seed_counterfeit
from filings import services as filing_services
from filings.choices import FilingStatus
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
    {
        "uscc": "913301067BYC46N12D",
        "name": "杭州综保区仓储物流有限公司",
        "region_code": "330106",
        "types": ["logistics"],
        "legal_representative": "赵建国",
        "contact_name": "刘洋",
        "contact_phone": "0571-86661234",
        "address": "浙江省杭州市下城区综合保税区 8 号仓",
    },
]

#: (username, role, bureau code, enterprise credit code, what the account is for)
DEMO_ACCOUNTS = [
    ("hq", "hq", None, None, "headquarters: national view"),
    ("zj_admin", "bureau_admin", "ZJ", None, "Zhejiang bureau administrator"),
    ("zj_inspector", "inspector", "ZJ", None, "Zhejiang bureau inspector"),
    ("zj_inspector2", "inspector", "ZJ", None, "Zhejiang inspector: second handler of the counterfeit case"),
    ("zj_legal", "inspector", "ZJ", None, "Zhejiang legal reviewer: reviews the counterfeit case"),
    ("gd_admin", "bureau_admin", "GD", None, "Guangdong bureau administrator"),
    ("gd_inspector", "inspector", "GD", None, "Guangdong bureau inspector"),
    ("hz_platform", "enterprise", None, "91330100MA2CB7K3X8", "Hangzhou platform and operator (Zhejiang)"),
    ("gz_logistics", "enterprise", None, "91440101MA5D8QW2LG", "Guangzhou logistics and operator (Guangdong)"),
    ("hz_warehouse", "enterprise", None, "913301067BYC46N12D", "Hangzhou bonded warehouse, confirms its clients"),
]


_SYSTEMS = ["quality_management", "risk_reporting_recall", "traceability", "consumer_protection"]
DEMO_COMPLETION = {
    "hz": {
        "main_categories": ["light_industry", "textile", "electrical"],
        "platform_name": "云购全球",
        "platform_url": "https://www.yungou-global.example.cn",
        "systems": [*_SYSTEMS, "seller_admission_exit", "complaint_handling"],
        "pledge_signed": True,
        "email": "compliance@yungou-global.example.cn",
    },
    "gz": {
        "main_categories": ["light_industry", "electrical"],
        "systems": _SYSTEMS,
        "pledge_signed": True,
    },
    "warehouse": {
        "main_categories": ["light_industry", "textile", "electrical"],
        "systems": _SYSTEMS,
        "pledge_signed": True,
    },
}
_TOY = {
    "name": "儿童益智积木",
    "name_en": "Educational building blocks",
    "listed_name": "【保税直发】丹麦进口儿童益智积木 1000 粒",
    "brand": "Bricka",
    "model": "BK-1000",
    "hs_code": "9503008900",
    "origin_country": "DK",
    "manufacturer": "Bricka ApS",
    "category": "light_industry",
    "subcategory": "toys",
    "materials": "ABS 塑料",
    "gtin": "5702016616316",
    # toys are in the compulsory certification catalogue: the filing carries the CCC certificate (rule 7)
    "ccc_certificate": "2024011606123456",
    "label_text": "警告：含小零件，不适合3岁以下儿童。",
}
_TEE = {
    "name": "纯棉成人T恤",
    "name_en": "Men's cotton T-shirt",
    "brand": "Nordlys",
    "model": "NT-01",
    "hs_code": "6109100021",
    "origin_country": "VN",
    "manufacturer": "Nordlys Garments Co., Ltd.",
    "category": "textile",
    "subcategory": "clothing",
    "materials": "100% 棉",
    "label_text": "纯棉，建议冷水手洗。",
}
_KIDS_TEE = {
    **_TEE,
    "name": "纯棉儿童T恤",
    "name_en": "Children's cotton T-shirt",
    "model": "NT-K1",
    "hs_code": "6111200000",
    "subcategory": "childrens_clothing",
    "label_text": "婴幼儿用品，A类。纯棉，建议冷水手洗。",
}
DEMO_PRODUCTS = [
    (_TOY, "approved"),
    (_TEE, "approved"),
    (_KIDS_TEE, "approved"),
    (
        {
            "name": "婴儿纯棉连体衣",
            "name_en": "Baby cotton bodysuit",
            "brand": "Nordlys",
            "model": "NB-66",
            "hs_code": "6111200000",
            "origin_country": "SE",
            "manufacturer": "Nordlys Barn AB",
            "category": "textile",
            "subcategory": "childrens_clothing",
            "materials": "100% 棉",
            "label_text": "婴幼儿用品，A类。",
        },
        "submitted",
    ),
    (
        {
            "name": "移动电源 10000mAh",
            "name_en": "Power bank 10000mAh",
            "brand": "Voltra",
            "model": "VP-10",
            "hs_code": "8507600090",
            "origin_country": "KR",
            "manufacturer": "Voltra Co., Ltd.",
            "category": "electrical",
            "subcategory": "power_banks",
            # no UN number on the filing: UN 3480 (lithium-ion batteries) is on the dangerous goods
            # list, and prohibited goods are refused at submission (rule 1)
            "label_text": "锂离子电池，请勿靠近火源。",
        },
        "returned",
    ),
    (
        {
            "name": "便携式榨汁杯",
            "brand": "Frisk",
            "model": "FJ-2",
            "category": "electrical",
            "subcategory": "small_appliances",
        },
        "draft",
    ),
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
                filing_services.account_provision(
                    actor=ACTOR,
                    username=username,
                    password=DEMO_PASSWORD,
                    role=role,
                    bureau_code=bureau,
                    enterprise_uscc=uscc,
                )
            self._seed_filings()
            # Texts the services write (a failed sampling's signal title) in the bureaus' language
            with translation.override("zh-hans"):
                self._seed_risks()
                self._seed_traceability()
                seed_counterfeit(DEMO_ENTERPRISES[0]["uscc"])
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD})")
        for username, role, _bureau, _uscc, purpose in DEMO_ACCOUNTS:
            self.stdout.write(f"  {username:<14} {role:<13} {purpose}")

    def _seed_filings(self) -> None:
        """The Hangzhou platform approved with products in every state; Guangzhou awaiting review."""
        hz = EnterpriseFiling.objects.get(uscc=DEMO_ENTERPRISES[0]["uscc"])
        gz = EnterpriseFiling.objects.get(uscc=DEMO_ENTERPRISES[1]["uscc"])
        hz_user, gz_user = User.objects.get(username="hz_platform"), User.objects.get(username="gz_logistics")
        zj_inspector = User.objects.get(username="zj_inspector")
        if hz.status == FilingStatus.DRAFT:
            filing_services.enterprise_update(actor=hz_user, filing=hz, **DEMO_COMPLETION["hz"])
            filing_services.enterprise_submit(actor=hz_user, filing=hz)
            filing_services.enterprise_approve(actor=zj_inspector, filing=hz)
        if gz.status == FilingStatus.DRAFT:
            filing_services.enterprise_update(actor=gz_user, filing=gz, **DEMO_COMPLETION["gz"])
            filing_services.enterprise_submit(actor=gz_user, filing=gz)
        self._seed_partnerships(hz, hz_user, zj_inspector)
        hz.refresh_from_db()
        if not hz.products.exists():
            for data, outcome in DEMO_PRODUCTS:
                product = filing_services.product_create(actor=hz_user, enterprise=hz, **data)
                if outcome in ("submitted", "approved", "returned"):
                    filing_services.product_submit(actor=hz_user, product=product)
                if outcome == "approved":
                    filing_services.product_approve(actor=zj_inspector, product=product)
                if outcome == "returned":
                    filing_services.product_return(
                        actor=zj_inspector, product=product, reason="中文标签缺少警示语，请补充后重新提交。"
                    )
        if not hz.import_batches.exists():
            self._seed_imports(hz, hz_user)

    def _seed_partnerships(self, hz: EnterpriseFiling, hz_user, zj_inspector) -> None:
        """Rule 8: the Hangzhou operator sells on its own platform (no partnership needed) and stores its
        goods with the Hangzhou warehouse, which confirmed it; the Guangzhou enterprise is not approved
        yet, so it is nobody's partner."""
        from partnerships.choices import PartnershipKind
        from partnerships.models import Partnership
        from partnerships.services import partnership_confirm, partnership_request

        warehouse = EnterpriseFiling.objects.get(uscc=DEMO_ENTERPRISES[2]["uscc"])
        warehouse_user = User.objects.get(username="hz_warehouse")
        if warehouse.status == FilingStatus.DRAFT:
            filing_services.enterprise_update(actor=warehouse_user, filing=warehouse, **DEMO_COMPLETION["warehouse"])
            filing_services.enterprise_submit(actor=warehouse_user, filing=warehouse)
            warehouse = filing_services.enterprise_approve(actor=zj_inspector, filing=warehouse)
        live = Partnership.objects.filter(operator=hz, partner=warehouse, kind=PartnershipKind.WAREHOUSE).live()
        if not live.exists():
            partnership = partnership_request(
                actor=hz_user, kind=PartnershipKind.WAREHOUSE, partner=warehouse, note="保税备货仓，杭州综保区 8 号仓"
            )
            partnership_confirm(actor=warehouse_user, partnership=partnership)

    def _seed_imports(self, hz: EnterpriseFiling, user) -> None:
        """Batches in each outcome a filed operator meets: a key-supervision line awaiting verification
        beside a released one, a released batch, direct mail; two exports. (A prohibited line of a bonded
        batch needs an approved product that a later catalogue edition prohibits: the demo has none.)"""
        from imports.services.declarations import export_declare, import_batch_declare

        toy = hz.products.get(name=_TOY["name"])
        tee = hz.products.get(name=_TEE["name"])
        kids_tee = hz.products.get(name=_KIDS_TEE["name"])
        warehouse = EnterpriseFiling.objects.get(uscc=DEMO_ENTERPRISES[2]["uscc"])
        # Bonded lines name approved product filings; the line adds quantity, value, unit and origin.
        tees = {"product": tee.pk, "quantity": 500, "unit": "件", "value_cny": "17500.00", "origin_country": "VN"}
        import_batch_declare(
            actor=user,
            port_bureau="ZJ",
            # Its own platform, and the warehouse that confirmed it (rule 8).
            platform=hz,
            warehouse=warehouse,
            items=[{"product": toy.pk, "quantity": 200, "unit": "盒", "value_cny": "39800.00"}, tees],
        )
        import_batch_declare(
            actor=user,
            port_bureau="NB",
            items=[tees, {**tees, "product": kids_tee.pk, "quantity": 300, "value_cny": "8700.00"}],
        )
        import_batch_declare(
            actor=user,
            port_bureau="ZJ",
            mode="direct_mail",
            items=[
                {
                    "description": "女士真丝围巾",
                    "hs_code": "6214100000",
                    "quantity": 1,
                    "unit": "条",
                    "value_cny": "680.00",
                    "origin_country": "IT",
                }
            ],
        )
        export_declare(
            actor=user,
            declarations=[
                {
                    "order_no": "EX-2026-0001",
                    "product": toy.pk,
                    "destination_country": "US",
                    "quantity": 50,
                    "value_cny": "9950.00",
                },
                {
                    "order_no": "EX-2026-0002",
                    "description": "丝绸睡衣",
                    "hs_code": "6208220000",
                    "destination_country": "JP",
                    "quantity": 20,
                    "value_cny": "7600.00",
                },
            ],
        )

    def _seed_risks(self) -> None:
        """Risk monitoring (issue 10): a failed online sampling of the toy (it raises a sampling signal)
        and a passed warehouse sampling of the T-shirt; an inspection signal Guangdong found and sent to
        Zhejiang as an inter-bureau notice; the platform's own report; a consumer's complaint; two
        overseas notices (one carries the toy's GTIN, so it is linked to it); a draft sampling plan."""
        from pathlib import Path

        from django.utils import timezone

        from risk_monitoring import services as risk
        from risk_monitoring.models import RiskSignal, Sampling
        from risk_monitoring.services.overseas import overseas_import
        from traceability.services import notice_send

        hz = EnterpriseFiling.objects.get(uscc=DEMO_ENTERPRISES[0]["uscc"])
        warehouse = EnterpriseFiling.objects.get(uscc=DEMO_ENTERPRISES[2]["uscc"])
        toy = hz.products.filter(name=_TOY["name"]).first()
        tee = hz.products.filter(name=_TEE["name"]).first()
        kids_tee = hz.products.filter(name=_KIDS_TEE["name"]).first()
        if toy is None or tee is None or kids_tee is None or Sampling.objects.filter(product=toy).exists():
            return
        zj_inspector = User.objects.get(username="zj_inspector")
        gd_inspector = User.objects.get(username="gd_inspector")
        hz_user, zj_admin = User.objects.get(username="hz_platform"), User.objects.get(username="zj_admin")
        now = timezone.now()
        day = timezone.timedelta(days=1)
        risk.sampling_create(
            actor=zj_inspector,
            channel="online",
            product=toy,
            platform=hz,
            sampled_at=now - 12 * day,
            lab="浙江省检验检疫科学技术研究院",
            order_no="YG202611170032",
            url="https://www.yungou-global.example.cn/item/88231",
            price_paid="129.00",
            results=[
                {
                    "test_item": "可迁移元素 铅（Pb）",
                    "standard": "GB 6675.4-2014",
                    "value": "142",
                    "limit": "90",
                    "unit": "mg/kg",
                    "verdict": "fail",
                },
                {
                    "test_item": "小零件",
                    "standard": "GB 6675.2-2014",
                    "value": "符合",
                    "limit": "-",
                    "unit": "",
                    "verdict": "pass",
                },
            ],
        )
        risk.sampling_create(
            actor=zj_inspector,
            channel="offline",
            product=tee,
            warehouse=warehouse,
            location="8 号仓 B 区 12 货架",
            sampled_at=now - 20 * day,
            lab="浙江省检验检疫科学技术研究院",
            results=[
                {
                    "test_item": "甲醛含量",
                    "standard": "GB 18401-2010",
                    "value": "<20",
                    "limit": "75",
                    "unit": "mg/kg",
                    "verdict": "pass",
                },
                {
                    "test_item": "pH 值",
                    "standard": "GB 18401-2010",
                    "value": "6.8",
                    "limit": "4.0-8.5",
                    "unit": "",
                    "verdict": "pass",
                },
            ],
        )
        inspection = risk.risk_signal_create(
            actor=gd_inspector,
            source="inspection",
            title="儿童T恤中文标签缺少安全类别",
            description="广州口岸查验发现该批儿童T恤的中文标签未标注 GB 31701 安全技术类别。",
            products=[kids_tee],
            platform=hz,
            hazard="labelling",
        )
        notice_send(
            actor=gd_inspector,
            to_bureau="ZJ",
            subject="儿童T恤标签问题通报",
            body="请平台所在地检验检疫局核查该企业同批次商品的标签。",
            obj=inspection,
        )
        risk.risk_signal_report(
            actor=hz_user,
            title="部分T恤洗涤后缩水超标",
            description="消费者反映洗涤后缩水明显，本企业已暂停销售并送检。",
            products=[tee],
            hazard="other",
        )
        risk.complaint_submit(
            name="李女士",
            contact="13800138000",
            product="纯棉儿童T恤",
            what_happened="孩子穿后颈部出现红疹，领口处有刺鼻气味。",
            platform=hz,
            order_no="YG202611020118",
            consent=True,
            language="zh-hans",
        )
        overseas_import(
            actor=ACTOR,
            feed="safety_gate",
            content=(Path(__file__).resolve().parents[2] / "data" / "safety_gate_demo.json").read_bytes(),
            filename="safety_gate_demo.json",
        )
        choking = RiskSignal.objects.filter(overseas_reference="A12/01734/26").first()
        if choking is not None and choking.is_open:
            risk.risk_signal_assess(
                actor=zj_inspector, signal=choking, severity="high", reason="同一商品已在欧盟召回，且本局抽检铅超标。"
            )
        lab = Sampling.objects.filter(product=toy).values_list("lab", flat=True).first()
        if lab is not None:
            risk.plan_generate(
                actor=zj_admin,
                month=(now + 20 * day).strftime("%Y-%m"),
                size=3,
                labs=[(lab, 3)],
                seed=20261201,
            )

    def _seed_traceability(self) -> None:
        """Traceability (issue 11): Guangdong opens an investigation from its inspection signal about the
        platform's children's T-shirts; Zhejiang, the platform's bureau, leads it (territorial
        management), orders a compulsory recall (the platform reports its progress) and a delisting (the
        platform confirms the listing taken down). A second case follows the failed sampling of the toy,
        with a consumer risk notice published about it."""
        import datetime as dt

        from django.utils import timezone

        from risk_monitoring import services as risk
        from risk_monitoring.models import RiskSignal, Sampling
        from traceability import services as trace
        from traceability.models import Investigation
        from traceability.services.consumer_notices import consumer_notice_create, consumer_notice_publish

        if Investigation.objects.exists():
            return
        signal = RiskSignal.objects.filter(source="inspection", title="儿童T恤中文标签缺少安全类别").first()
        failed = Sampling.objects.filter(verdict="fail").order_by("pk").first()
        if signal is None or failed is None:
            return
        hz = EnterpriseFiling.objects.get(uscc=DEMO_ENTERPRISES[0]["uscc"])
        zj_inspector = User.objects.get(username="zj_inspector")
        gd_inspector = User.objects.get(username="gd_inspector")
        hz_user = User.objects.get(username="hz_platform")
        now = timezone.now()
        if signal.status == "new":
            risk.risk_signal_assess(
                actor=zj_inspector, signal=signal, severity="medium", reason="标签缺失安全类别，涉及婴幼儿及儿童服装。"
            )
        labels = trace.investigation_open(
            actor=gd_inspector,
            title="儿童T恤标签缺少安全技术类别",
            description="广州口岸查验发现；平台企业在杭州，由浙江局牵头调查。",
            signals=[signal],
        )
        trace.investigation_advance(actor=zj_inspector, investigation=labels, status="investigating")
        kids_tee = signal.product
        recall = trace.measure_issue(
            actor=zj_inspector,
            investigation=labels,
            type="recall",
            enterprise=hz,
            product=kids_tee,
            platform=hz,
            description="召回已售出的未标注安全类别的儿童T恤，通过平台订单记录通知购买者。",
            legal_basis="《国家质量监督检验检疫总局关于加强跨境电子商务进出口消费品检验监管工作的指导意见》",
            deadline=now + dt.timedelta(days=20),
        )
        trace.measure_acknowledge(actor=hz_user, measure=recall)
        trace.measure_report_progress(
            actor=hz_user,
            measure=recall,
            reported_on=timezone.localdate(),
            units_sold=300,
            units_recovered=120,
            channels=["platform_orders", "sms"],
            note="已通过订单记录和短信通知全部购买者。",
        )
        delisting = trace.measure_issue(
            actor=zj_inspector,
            investigation=labels,
            type="delisting",
            enterprise=hz,
            product=kids_tee,
            platform=hz,
            listing_urls=["https://www.yungou-global.example.cn/item/90417"],
            description="下架未标注安全类别的儿童T恤商品页面。",
            legal_basis="《国家质量监督检验检疫总局关于加强跨境电子商务进出口消费品检验监管工作的指导意见》",
            deadline=now + dt.timedelta(days=5),
        )
        trace.measure_acknowledge(actor=hz_user, measure=delisting)
        trace.measure_confirm_delisting(
            actor=hz_user, measure=delisting, url="https://www.yungou-global.example.cn/item/90417"
        )
        lead = trace.investigation_open(
            actor=zj_inspector,
            title="儿童益智积木铅含量超标",
            description="网购抽样检出可迁移元素铅超标；同一商品已在欧盟召回。",
            samplings=[failed],
        )
        notice = consumer_notice_create(
            actor=zj_inspector,
            title_zh="儿童益智积木可迁移元素铅超标风险提示",
            title_en="Lead above the limit in children's building blocks",
            product_text="Bricka 儿童益智积木 BK-1000",
            hazard="chemical",
            description_zh="抽样检测发现该积木可迁移元素铅含量为 142 mg/kg，超过 GB 6675.4 限值 90 mg/kg。",
            description_en="A sample bought online contained 142 mg/kg of migratable lead, above the 90 mg/kg limit.",
            what_to_do_zh="请立即停止让儿童使用该积木，并联系平台办理退货退款。",
            what_to_do_en="Stop children using the blocks at once and ask the platform for a refund.",
            investigation=lead,
        )
        consumer_notice_publish(actor=zj_inspector, notice=notice)
