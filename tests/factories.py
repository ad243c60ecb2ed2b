"""factory_boy factories. Bureaus come from the shipped reference data (see conftest)."""

from __future__ import annotations

import random
import string

import factory
from stdnum.cn import uscc as stdnum_uscc

from accounts.choices import Role
from accounts.models import Bureau, User
from filings.models import ChangeRequest, EnterpriseFiling, ProductFiling
from filings.validators import USCC_ALPHABET

DEFAULT_PASSWORD = "Test-pass-2026"


def make_uscc(region_code: str = "330106", rng: random.Random | None = None) -> str:
    """A unified social credit code with a correct GB 32100 check character."""
    rng = rng or random
    org = "".join(rng.choice(USCC_ALPHABET) for _ in range(9))
    body = f"91{region_code}{org}"
    return body + stdnum_uscc.calc_check_digit(body)


def bureau(code: str) -> Bureau:
    return Bureau.objects.get(code=code)


class BranchBureauFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Bureau

    code = factory.Sequence(lambda n: f"BR{n:03d}")
    name = factory.Sequence(lambda n: f"分支局{n}")
    name_en = factory.Sequence(lambda n: f"Branch bureau {n}")
    level = "branch"
    parent = factory.LazyFunction(lambda: bureau("ZJ"))


class EnterpriseFilingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EnterpriseFiling

    name = factory.Sequence(lambda n: f"测试跨境电商企业{n}有限公司")
    region_code = "330106"
    uscc = factory.LazyAttribute(lambda o: make_uscc(o.region_code))
    is_operator = True
    legal_representative = "张三"
    contact_name = "李四"
    contact_phone = "13812345678"
    address = "浙江省杭州市西湖区文三路 1 号"
    bureau = factory.LazyFunction(lambda: bureau("ZJ"))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.INSPECTOR
    bureau = factory.LazyFunction(lambda: bureau("ZJ"))
    # as the services do: the first account of an enterprise administers it
    is_enterprise_admin = factory.LazyAttribute(
        lambda o: o.role == Role.ENTERPRISE and o.enterprise is not None and not o.enterprise.users.exists()
    )

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or DEFAULT_PASSWORD)
        if create:
            obj.save(update_fields=["password"])

    @factory.post_generation
    def role_group(obj, create, extracted, **kwargs):
        if create:
            from django.contrib.auth.models import Group

            obj.groups.set([Group.objects.get(name=obj.role)])


def random_text(n: int = 8) -> str:
    return "".join(random.choice(string.ascii_lowercase) for _ in range(n))


class ProductFilingFactory(factory.django.DjangoModelFactory):
    """A draft product filing, complete enough to submit (a toy with a real customs code)."""

    class Meta:
        model = ProductFiling

    enterprise = factory.SubFactory(EnterpriseFilingFactory)
    name = factory.Sequence(lambda n: f"儿童积木玩具{n}")
    name_en = "Building blocks"
    brand = "LEGO"
    model = factory.Sequence(lambda n: f"10{n:04d}")
    hs_code = "9503008900"  # 95030089 未列名玩具及模型
    origin_country = "DK"
    manufacturer = "LEGO System A/S"
    category = "light_industry"
    subcategory = "toys"
    ccc_certificate = "2021011606123456"  # toys are in the CCC catalogue (rule 7)
    label_text = "警告：不适合3岁以下儿童，含小零件。"


class ChangeRequestFactory(factory.django.DjangoModelFactory):
    """A pending change to an enterprise filing (or to ``product``), submitted by one of its users."""

    class Meta:
        model = ChangeRequest

    enterprise = factory.SubFactory(EnterpriseFilingFactory)
    product = None
    changes = factory.LazyFunction(lambda: {"contact_name": "王五"})
    original = factory.LazyFunction(lambda: {"contact_name": "李四"})
    explanation = "联系人变更"
    submitted_by = factory.SubFactory(
        UserFactory, role=Role.ENTERPRISE, bureau=None, enterprise=factory.SelfAttribute("..enterprise")
    )
