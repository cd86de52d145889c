"""The import pages: who may open them, and upload → preview → confirm through HTTP."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from selfcheck.models import College, CollegeAlias, RosterImport, Student
from tests.factories import student, table, write_xlsx

pytestmark = pytest.mark.django_db
S = RosterImport.State


@pytest.fixture
def record(campaign, registrar):
    return RosterImport.objects.create(
        campaign=campaign, original_name="x.xlsx", file="imports/x.xlsx", uploaded_by=registrar, state=S.VALIDATED,
        errors=[{"row": 3, "column": "性别", "message": "无法识别的性别“?”（可用：男、女）"}], invalid_count=1,
    )  # fmt: skip


def signed_in(client, user):
    client.force_login(user)
    return client


def xlsx_upload(tmp_path, rows, name="roster.xlsx"):
    path = write_xlsx(tmp_path / name, rows)
    return SimpleUploadedFile(name, path.read_bytes())


GETS = ["import_list", "import_detail", "import_progress", "import_errors", "import_template"]
POSTS = ["import_upload", "import_confirm", "import_revalidate", "import_college", "import_sheet"]


def url(name, record):
    if name in ("import_list", "import_upload"):
        return reverse(name)
    if name == "import_template":
        return reverse(name, args=["roster"])
    if name == "import_errors":
        return reverse(name, args=[record.pk, "xlsx"])
    return reverse(name, args=[record.pk])


@pytest.mark.parametrize("name", GETS + POSTS)
@pytest.mark.parametrize(
    ("who", "status"),
    [("registrar", None), ("secretary_a", 403), ("student_user", 403), ("admissions", 403), (None, 302)],
)
def test_only_registrar_staff_reach_the_import_pages(client, request, record, name, who, status):
    if who:
        signed_in(client, request.getfixturevalue(who))
    response = client.post(url(name, record)) if name in POSTS else client.get(url(name, record))
    if status is None:
        assert response.status_code in (200, 302, 400), response.status_code
    else:
        assert response.status_code == status
        if status == 302:
            assert reverse("login") in response["Location"]


def test_an_import_outside_the_registrars_scope_is_404(client, registrar):
    signed_in(client, registrar)
    assert client.get(reverse("import_detail", args=[987654])).status_code == 404
    assert client.get(reverse("import_errors", args=[987654, "xlsx"])).status_code == 404


def test_upload_preview_confirm_over_http(
    client, tmp_path, registrar, campaign, college_a, django_capture_on_commit_callbacks
):
    signed_in(client, registrar)
    page = client.get(reverse("import_list"))
    assert page.status_code == 200 and "名册导入" in page.content.decode()
    upload = xlsx_upload(tmp_path, table([student(1), student(2, 性别="?")]))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("import_upload"), {"campaign": campaign.pk, "kind": "roster", "file": upload})
    record = RosterImport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("import_detail", args=[record.pk])
    preview = client.get(response["Location"]).content.decode()
    assert "无法识别的性别“?”（可用：男、女）" in preview and 'data-testid="error-row"' in preview
    assert "data-needs-valid-only disabled" in preview

    progress = client.get(reverse("import_progress", args=[record.pk])).json()
    assert progress == {"state": "validated", "state_label": "待确认", "progress": 100, "done": True, "message": ""}

    refused = client.post(reverse("import_confirm", args=[record.pk]), follow=True)
    assert "只导入有效行" in refused.content.decode()
    assert not Student.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("import_confirm", args=[record.pk]), {"valid_only": "on"})
    record.refresh_from_db()
    assert record.state == S.COMMITTED and list(Student.objects.values_list("student_no", flat=True)) == ["2026000001"]
    assert 'data-testid="committed"' in client.get(reverse("import_detail", args=[record.pk])).content.decode()


def test_an_upload_over_the_limit_is_refused_before_it_is_stored(
    client, tmp_path, registrar, campaign, college_a, settings
):
    settings.SELFCHECK_UPLOAD_LIMIT = 4096
    signed_in(client, registrar)
    upload = xlsx_upload(tmp_path, table([student(n) for n in range(1, 200)]))
    response = client.post(reverse("import_upload"), {"campaign": campaign.pk, "kind": "roster", "file": upload})
    assert response.status_code == 413
    assert "超过上限" in response.content.decode()
    assert not RosterImport.objects.exists()


def test_a_request_declaring_a_body_far_over_the_limit_is_refused_unread(client, registrar, campaign, settings):
    settings.SELFCHECK_UPLOAD_LIMIT = 1024
    client.force_login(registrar)
    upload = SimpleUploadedFile("roster.csv", b"x" * (1024 * 1024 + 4096))
    response = client.post(reverse("import_upload"), {"campaign": campaign.pk, "kind": "roster", "file": upload})
    assert response.status_code == 413 and "超过上限" in response.content.decode()
    assert not RosterImport.objects.exists()


def test_an_upload_of_the_wrong_type_is_refused_by_the_form(client, registrar, campaign):
    signed_in(client, registrar)
    upload = SimpleUploadedFile("roster.docx", b"PK\x03\x04 whatever")
    response = client.post(reverse("import_upload"), {"campaign": campaign.pk, "kind": "roster", "file": upload})
    assert response.status_code == 400 and "不支持的文件类型 .docx" in response.content.decode()
    assert not RosterImport.objects.exists()


def test_a_hostile_upload_shows_a_refusal_page_not_an_error(
    client, registrar, campaign, django_capture_on_commit_callbacks
):
    signed_in(client, registrar)
    upload = SimpleUploadedFile("roster.xlsx", b"PK\x03\x04" + b"\x00" * 100)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("import_upload"), {"campaign": campaign.pk, "kind": "roster", "file": upload})
    record = RosterImport.objects.get()
    assert record.state == S.FAILED
    response = client.get(reverse("import_detail", args=[record.pk]))
    assert response.status_code == 200
    assert "不完整或已损坏" in response.content.decode()


def test_unknown_colleges_are_resolved_from_the_preview(
    client, tmp_path, registrar, campaign, college_a, django_capture_on_commit_callbacks
):
    signed_in(client, registrar)
    upload = xlsx_upload(tmp_path, table([student(1, 学院="计算机系"), student(2, 学院="新学院")]))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("import_upload"), {"campaign": campaign.pk, "kind": "roster", "file": upload})
    record = RosterImport.objects.get()
    page = client.get(reverse("import_detail", args=[record.pk])).content.decode()
    assert 'data-testid="unknown-colleges"' in page and "计算机系" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("import_college", args=[record.pk]),
                    {"prefix": "c0", "c0-name": "计算机系", "c0-action": "map", "c0-college": college_a.pk})  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("import_college", args=[record.pk]),
                    {"prefix": "c1", "c1-name": "新学院", "c1-action": "create", "c1-code": "N09"})  # fmt: skip
    record.refresh_from_db()
    assert CollegeAlias.objects.filter(name="计算机系", college=college_a).exists()
    assert College.objects.filter(code="N09", name="新学院").exists()
    assert record.state == S.VALIDATED and record.invalid_count == 0 and record.created_count == 2


def test_all_errors_download_as_a_spreadsheet(client, registrar, record):
    signed_in(client, registrar)
    response = client.get(reverse("import_errors", args=[record.pk, "xlsx"]))
    sheet = load_workbook(BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == ["行号", "列", "问题"]
    assert [c.value for c in sheet[2]] == [3, "性别", "无法识别的性别“?”（可用：男、女）"]
    assert client.get(reverse("import_errors", args=[record.pk, "pdf"])).status_code == 404


def test_the_template_keeps_id_numbers_as_text(client, registrar):
    signed_in(client, registrar)
    response = client.get(reverse("import_template", args=["roster"]))
    sheet = load_workbook(BytesIO(response.content)).active
    headers = [c.value for c in sheet[1]]
    assert headers[:3] == ["学号", "考生号", "姓名"]
    assert sheet.cell(row=2, column=headers.index("证件号码") + 1).number_format == "@"
    assert client.get(reverse("import_template", args=["other"])).status_code == 404


def test_the_registrar_nav_links_to_imports(client, registrar):
    signed_in(client, registrar)
    assert reverse("import_list") in client.get(reverse("registrar_home")).content.decode()
