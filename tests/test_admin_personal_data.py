"""The Django admin: exports that cannot carry formulas or whole ID numbers; ID numbers
masked on every admin page; ID search by the last characters only."""

from __future__ import annotations

import csv
import io

import pytest
from django.conf import settings
from openpyxl import load_workbook

from selfcheck.models import AuditEvent, Check, CorrectionItem, CorrectionRequest
from selfcheck.services.checks import check_set_status

FORMULAS = {
    "name": '=HYPERLINK("http://evil.example/","点我")',
    "major": "\t=1+1",
    "class_name": "\r=1+1",
}


@pytest.fixture
def hostile(student_a):
    for field, value in FORMULAS.items():
        setattr(student_a, field, value)
    student_a.save()
    return student_a


def _export(client, model: str, fmt_index: int):
    page = client.get(f"/admin/selfcheck/{model}/export/")
    assert page.status_code == 200
    form = page.context["form"]
    data = {"format": str(fmt_index), "resource": "0"}
    data.update({name: "on" for name, field in form.fields.items() if getattr(field, "is_selectable_field", False)})
    response = client.post(f"/admin/selfcheck/{model}/export/", data)
    assert response.status_code == 200, response.content[:500]
    return response


def _cells(response, fmt_index: int) -> list[str]:
    if fmt_index == 0:
        sheet = load_workbook(io.BytesIO(response.content)).active
        return [str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None]
    text = response.content.decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def test_escaping_setting_is_on():
    assert settings.IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT is True


@pytest.mark.parametrize("fmt_index", [0, 1], ids=["xlsx", "csv"])
def test_student_export_has_no_formula_and_no_full_id(client, registrar, hostile, fmt_index):
    client.force_login(registrar)
    response = _export(client, "student", fmt_index)
    cells = _cells(response, fmt_index)
    assert hostile.id_number not in response.content.decode("latin-1")
    assert hostile.id_number not in " ".join(cells)
    assert hostile.masked_id_number in cells
    for payload in FORMULAS.values():
        assert "'" + payload in cells, payload  # kept as typed, marked as text
    for cell in cells:
        assert not cell.lstrip().startswith(("=", "+", "@")), repr(cell)
    if fmt_index == 0:
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


@pytest.mark.parametrize("fmt_index", [0, 1], ids=["xlsx", "csv"])
def test_check_export_is_masked_and_formula_safe(client, registrar, hostile, fmt_index):
    client.force_login(registrar)
    cells = _cells(_export(client, "check", fmt_index), fmt_index)
    assert hostile.id_number not in " ".join(cells)
    assert "'" + FORMULAS["name"] in cells


def test_search_by_full_id_finds_nothing_and_says_why(client, registrar, student_a):
    client.force_login(registrar)
    response = client.get("/admin/selfcheck/student/", {"q": student_a.id_number})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 0
    assert "末4位" in response.content.decode()


def test_search_by_last_four_finds_the_student(client, registrar, student_a, student_b):
    client.force_login(registrar)
    response = client.get("/admin/selfcheck/student/", {"q": student_a.id_number[-4:]})
    found = list(response.context["cl"].result_list)
    assert student_a in found


def test_student_change_page_shows_the_id_masked(client, registrar, student_a):
    client.force_login(registrar)
    page = client.get(f"/admin/selfcheck/student/{student_a.pk}/change/").content.decode()
    assert student_a.id_number not in page
    assert student_a.masked_id_number in page


def test_corrected_id_is_masked_on_admin_pages(client, registrar, student_a, student_user, campaign):
    typed = "11010520070512001X"
    check = Check.objects.get(student=student_a)
    check_set_status(check, status=Check.Status.DISCREPANCY, by=student_user, detail={"fields": {"id_number": typed}})
    correction = CorrectionRequest.objects.create(student=student_a, cause=CorrectionRequest.Cause.SCHOOL_ERROR)
    CorrectionItem.objects.create(
        request=correction, field="id_number", current_value=student_a.id_number, requested_value=typed
    )
    event = AuditEvent.objects.get(action="check.set_status")
    assert typed in str(event.changes)  # stored whole...
    client.force_login(registrar)
    for url in (
        f"/admin/selfcheck/check/{check.pk}/change/",
        f"/admin/selfcheck/auditevent/{event.pk}/change/",
        "/admin/selfcheck/auditevent/",
        f"/admin/selfcheck/correctionrequest/{correction.pk}/change/",
    ):
        page = client.get(url)
        assert page.status_code == 200, url
        text = page.content.decode()
        assert typed not in text and student_a.id_number not in text, url  # ...shown masked


def test_a_control_character_does_not_fail_the_xlsx_export(client, registrar, student_a):
    student_a.name = "张\x01三"
    student_a.save()
    client.force_login(registrar)
    cells = _cells(_export(client, "student", 0), 0)
    assert "张\ufffd三" in cells
