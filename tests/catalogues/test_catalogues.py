"""Catalogue editions: loading the authority's files, editions in force, compiled once, decisions kept."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from catalogues.models import CatalogueEdition, CatalogueEntry
from catalogues.services import editions as catalogues
from catalogues.services.classify import classify_lines
from cbec_supervision.models import AuditEvent

pytestmark = pytest.mark.django_db

CHEMICALS = "序号,品名,别名,CAS号,备注\n1,多氯联苯,PCBs；多氯二苯,1336-36-3,\n2,灭蚁灵,,2385-85-5,剧毒\n"


def load(kind="restricted_toxic", edition="2020", effective=dt.date(2020, 1, 1), content=CHEMICALS, name="f.csv"):
    data = content.encode("utf-8") if isinstance(content, str) else content
    return catalogues.catalogue_import(
        actor="test", kind=kind, edition=edition, effective_from=effective, content=data, filename=name
    )


def test_the_shipped_catalogues_are_loaded_with_their_editions():
    kinds = dict(CatalogueEdition.objects.values_list("kind", "entry_count"))
    assert kinds == {
        "hazardous_chemicals": 40,
        "precursor_chemicals": 43,
        "dangerous_goods": 2437,
        "compulsory_certification": 16,
        "prohibited_goods": 25,
    }
    cyanide = CatalogueEntry.objects.get(cas="143-33-9")
    assert cyanide.highly_toxic and cyanide.name == "氰化钠" and cyanide.aliases == ["山奈"]


def test_a_chemical_list_loads_with_aliases_and_the_highly_toxic_mark():
    edition = load()
    rows = list(edition.entries.values_list("name", "aliases", "cas", "highly_toxic"))
    assert rows == [("多氯联苯", ["PCBs", "多氯二苯"], "1336-36-3", False), ("灭蚁灵", [], "2385-85-5", True)]
    assert AuditEvent.objects.for_object(edition).get(action="create").after["entry_count"] == 2


def test_gb18030_files_load():
    edition = load(content=CHEMICALS.encode("gb18030"))
    assert edition.entries.filter(name="多氯联苯").exists()


def test_xlsx_files_load():
    book = Workbook()
    sheet = book.active
    sheet.append(["HS编码", "名称", "备注"])
    sheet.append([8516, "电热器具", "CCC"])
    sheet.append(["851660", "其他电炉", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    edition = load(kind="legal_inspection", edition="2024", content=buffer.getvalue(), name="法检目录.xlsx")
    assert list(edition.entries.values_list("hs_prefix", flat=True)) == ["8516", "851660"]


def test_the_un_lists_english_headers_are_accepted():
    edition = load(kind="dangerous_goods", edition="test", content="number,description,class\n1203,PETROL,3\n")
    assert edition.entries.get().un_number == "1203"


@pytest.mark.parametrize(
    ("kind", "content", "message"),
    [
        ("restricted_toxic", "序号,品名,别名,CAS号,备注\n1,甲,,50-00-0,\n2,乙,,50-00-1,\n", "row 3"),
        ("restricted_toxic", "序号,名字\n1,甲\n", "row 1"),
        ("restricted_toxic", "序号,品名,别名,CAS号,备注\n1,,,50-00-0,\n", "row 2"),
        ("dangerous_goods", "UN号,名称,类别\n12034,汽油,3\n", "row 2"),
        ("dangerous_goods", "UN号,名称,类别\n1203,汽油,3\n1203,车用汽油,3\n", "row 3"),
        ("legal_inspection", "HS编码,名称,备注\n85,电器,\n", "row 2"),
        ("legal_inspection", "HS编码,名称,备注\n", "no entries"),
        ("legal_inspection", b"\x89PNG\r\n\x1a\n\x00\x00", "text"),
    ],
)
def test_a_malformed_file_changes_nothing_and_names_the_row(kind, content, message):
    editions, entries = CatalogueEdition.objects.count(), CatalogueEntry.objects.count()
    with pytest.raises(ValidationError) as info:
        load(kind=kind, content=content)
    assert message in info.value.message_dict["file"][0]
    assert (CatalogueEdition.objects.count(), CatalogueEntry.objects.count()) == (editions, entries)


def test_an_edition_is_loaded_once():
    load()
    with pytest.raises(ValidationError) as info:
        load()
    assert "edition" in info.value.message_dict


def test_the_edition_in_force_is_the_latest_effective_then_the_last_loaded():
    first = load(edition="A", effective=dt.date(2020, 1, 1))
    later = load(edition="B", effective=dt.date(2022, 1, 1))
    same_day = load(edition="C", effective=dt.date(2022, 1, 1))
    future = load(edition="D", effective=dt.date.today() + dt.timedelta(days=30))

    def in_force(at):
        return {e.kind: e for e in CatalogueEdition.objects.in_force(at)}["restricted_toxic"]

    assert in_force(dt.date(2021, 6, 1)) == first
    assert in_force(dt.date(2023, 1, 1)) == same_day != later
    assert in_force(None) == same_day
    assert in_force(future.effective_from) == future


def test_indexes_are_compiled_once_per_set_of_editions(django_assert_num_queries):
    catalogues.invalidate_indexes()
    first, _ = catalogues.compiled_index()
    with django_assert_num_queries(1):  # which editions are in force; the index itself is cached
        again, _ = catalogues.compiled_index()
    assert again is first
    load()
    newer, editions = catalogues.compiled_index()
    assert newer is not first and "restricted_toxic" in newer.editions


def test_a_new_edition_changes_new_decisions_only():
    line = {"description": "电容器", "hs_code": "8532100000", "cas_numbers": ["1336-36-3"]}
    before, editions_before = classify_lines([line])
    assert before[0].tier == 3 and "restricted_toxic" not in editions_before
    load()
    after, editions_after = classify_lines([line])
    assert after[0].tier == 1 and after[0].reasons[0].edition == "2020"
    assert editions_after["restricted_toxic"]["edition"] == "2020"
    # and as of a date before the edition took effect, the old decision is reproduced
    again, _ = classify_lines([line], at=dt.date(2019, 12, 31))
    assert again[0].tier == 3


def test_import_catalogue_command(tmp_path, capsys):
    path = tmp_path / "restricted.csv"
    path.write_text(CHEMICALS, encoding="gb18030")
    call_command(
        "import_catalogue",
        "--kind",
        "restricted_toxic",
        "--edition",
        "2020",
        "--effective-from",
        "2020-01-01",
        str(path),
    )
    assert "2 entries" in capsys.readouterr().out
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command(
            "import_catalogue",
            "--kind",
            "restricted_toxic",
            "--edition",
            "2021",
            "--effective-from",
            "01/01/2021",
            str(path),
        )
    bad = tmp_path / "bad.csv"
    bad.write_text("序号,品名,别名,CAS号,备注\n1,甲,,12-34-5,\n", encoding="utf-8")
    with pytest.raises(CommandError, match="row 2"):
        call_command(
            "import_catalogue",
            "--kind",
            "restricted_toxic",
            "--edition",
            "2022",
            "--effective-from",
            "2022-01-01",
            str(bad),
        )
    assert not CatalogueEdition.objects.filter(edition="2022").exists()


def test_only_bureau_administrators_and_headquarters_load_editions(world):
    from django.core.exceptions import PermissionDenied

    for who in (world.zj_inspector, world.alice):
        with pytest.raises(PermissionDenied):
            catalogues.catalogue_import(
                actor=who,
                kind="restricted_toxic",
                edition="x",
                effective_from=dt.date(2020, 1, 1),
                content=CHEMICALS.encode(),
                filename="f.csv",
            )
    edition = catalogues.catalogue_import(
        actor=world.zj_admin,
        kind="restricted_toxic",
        edition="x",
        effective_from=dt.date(2020, 1, 1),
        content=CHEMICALS.encode(),
    )
    assert edition.loaded_by == "zj_admin"
