"""Demo data of anti-counterfeiting (issue 12), seeded by ``seed_demo``: a rights holder with its agent; a
rights holder's complaint and an online-monitoring find about the same shop and shoes (duplicates of one
group), an informant's tip awaiting triage and a lead dismissed as genuine goods; and one case run by the
book up to the review: opened from the two duplicate leads by Zhejiang's inspector, approved by the
bureau's administrator (who decides it) with a second handler and a legal reviewer, three items of
evidence (a listing screenshot, the test purchase receipt and 20 pairs of shoes sealed and stored) and the
investigation report submitted for review. Idempotent: nothing is added once the rights holder exists."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import User
from anticounterfeit import services as counterfeit
from anticounterfeit.models import RightsHolder
from filings.models import EnterpriseFiling

HOLDER = "极光运动用品（美国）有限公司"
SHOP_URL = "https://shop.yungou.example.cn/store/88021"
#: a minimal PDF (content sniffing sees a PDF) standing in for the purchase receipt
RECEIPT = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
SCREENSHOT_NOTE = "商品页面截图说明：店铺 88021 以 199 元销售 AURORA 跑步鞋，页面使用权利人注册商标。\n".encode()


def seed_counterfeit(platform_uscc: str) -> None:
    if RightsHolder.objects.filter(name=HOLDER).exists():
        return
    inspector = User.objects.get(username="zj_inspector")
    second = User.objects.get(username="zj_inspector2")
    legal = User.objects.get(username="zj_legal")
    admin = User.objects.get(username="zj_admin")
    shop = EnterpriseFiling.objects.get(uscc=platform_uscc)
    now = timezone.now()

    holder = counterfeit.rights_holder_create(
        actor=inspector,
        name=HOLDER,
        country="US",
        brands=["AURORA", "极光"],
        contact_name="周律师",
        contact_phone="021-63211234",
        contact_email="brand-protection@aurora.example.com",
        authorised_agent="上海明正知识产权代理有限公司",
        authorisation_valid_until=(now + dt.timedelta(days=365)).date(),
    )
    shoes = {"brand": "AURORA", "enterprise": shop.pk, "product_name": "AURORA 极光跑步鞋"}
    complaint = counterfeit.lead_create(
        actor=inspector,
        channel="rights_holder",
        title="店铺 88021 销售假冒 AURORA 跑步鞋",
        description="权利人投诉：该店铺所售跑步鞋鞋舌标识、包装盒与正品不符，售价仅为正品三分之一。",
        rights_holder=holder.pk,
        urls=[SHOP_URL],
        reporter_name="周律师",
        reporter_contact="021-63211234",
        source_reference="AUR-CN-2026-0415",
        **shoes,
    )
    monitoring = counterfeit.lead_create(
        actor=inspector,
        channel="online_monitoring",
        title="网络监测：AURORA 跑步鞋低价销售",
        description="监测发现同一店铺以明显低于市场价的价格销售 AURORA 跑步鞋。",
        urls=[f"{SHOP_URL}/item/5521"],
        **shoes,
    )
    counterfeit.lead_create(
        actor=inspector,
        channel="informant",
        title="举报：直播间销售仿冒名牌手表",
        description="举报人称某直播间以跨境直邮名义销售仿冒名牌手表。",
        brand="LUMIÈRE",
        seller_name="星耀海淘直播间",
        product_name="机械手表",
        urls=["https://live.example.cn/room/3321"],
    )
    genuine = counterfeit.lead_create(
        actor=inspector,
        channel="complaint",
        title="消费者怀疑所购护肤品为假货",
        brand="MIRABEL",
        seller_name="海淘美妆小店",
        product_name="保湿面霜",
    )
    counterfeit.lead_dismiss(
        actor=inspector, lead=genuine, reason="not_counterfeit", note="权利人鉴定为正品，批次号与报关单一致。"
    )

    case = counterfeit.case_create(
        actor=inspector,
        title="杭州云购店铺 88021 销售假冒 AURORA 跑步鞋案",
        description="权利人投诉与网络监测指向同一店铺，涉嫌销售侵犯注册商标专用权的商品。",
        leads=[complaint, monitoring],
        rights_holders=[holder],
        goods_value_cny="39800.00",
        opening_text="经初步核查，店铺 88021 销售的 AURORA 跑步鞋涉嫌假冒注册商标，建议立案调查。",
    )
    counterfeit.case_approve_opening(
        actor=admin,
        case=case,
        text="同意立案。由周、李两名执法人员办理，法制审核由王负责。",
        handlers=[second],
        reviewer=legal,
        decider=admin,
    )
    counterfeit.evidence_add(
        actor=inspector,
        case=case,
        upload=SimpleUploadedFile("商品页面截图说明.txt", SCREENSHOT_NOTE, content_type="text/plain"),
        collected_at=now - dt.timedelta(days=6),
        place="杭州市检验检疫局电子取证室",
        method="网页证据保全",
        description="店铺 88021 商品页面（含价格与商标）",
    )
    counterfeit.evidence_add(
        actor=inspector,
        case=case,
        upload=SimpleUploadedFile("试买订单凭证.pdf", RECEIPT, content_type="application/pdf"),
        collected_at=now - dt.timedelta(days=5),
        place="杭州市西湖区",
        method="试买",
        description="试买订单 YG20261121088 的付款凭证",
    )
    shoes_item = counterfeit.evidence_add(
        actor=second,
        case=case,
        kind="physical",
        quantity=20,
        unit="双",
        collected_at=now - dt.timedelta(days=4),
        place="杭州综保区仓储物流有限公司 8 号仓",
        method="先行登记保存",
        description="AURORA 跑步鞋 20 双，加贴封条",
        seal_no="ZJ-FT-2026-0088",
        storage_location="浙江局罚没物品库 A-12",
    )
    counterfeit.custody_record(
        actor=second,
        evidence=shoes_item,
        action="stored",
        at=now - dt.timedelta(days=4, hours=-3),
        from_party="李（办案人员）",
        to_party="浙江局罚没物品库管理员",
        place="浙江局罚没物品库 A-12",
        note="封条完好，入库登记。",
    )
    counterfeit.case_submit_for_review(
        actor=inspector,
        case=case,
        report_text="经调查，店铺 88021 销售的跑步鞋经权利人鉴定为假冒，货值 39,800 元，建议依法处罚。",
    )
