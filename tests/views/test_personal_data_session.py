"""A scripted session through every page and export as each role, with every log line
captured at DEBUG and every task's arguments recorded: no full ID number of a seeded
student (nor one a student typed) appears anywhere but in the registrar's explicit reveal.
"""

from __future__ import annotations

import csv
import io
import logging
from datetime import date

import pytest
from celery.signals import task_prerun
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from selfcheck.models import (
    AuditEvent,
    Bulletin,
    Check,
    CorrectionItem,
    CorrectionRequest,
    RosterImport,
    Student,
)
from selfcheck.services.bulletins import bulletin_generate
from tests.conftest import PASSWORD
from tests.factories import make_check, make_student, png_bytes, table, upload
from tests.factories import student as roster_row
from tests.views.test_imports import xlsx_upload

TYPED_ID = "110105200705120010"  # valid for 张三: born 2007-05-12, male
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Session:
    """Every response of the session, as text a person or a program could read."""

    def __init__(self, client):
        self.client = client
        self.seen: list[tuple[str, str]] = []

    def _read(self, response) -> str:
        parts = [f"{name}: {value}" for name, value in response.items()]
        if getattr(response, "streaming", False):
            body = b"".join(response.streaming_content)
        else:
            body = response.content
        content_type = response.get("Content-Type", "")
        if content_type.startswith(XLSX):
            book = load_workbook(io.BytesIO(body))
            for sheet in book.worksheets:
                parts.append(sheet.title)
                parts += [str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None]
        elif content_type.startswith("text/csv"):
            parts += [cell for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))) for cell in row]
        else:
            parts.append(body.decode("utf-8", "replace"))
        return "\n".join(parts)

    def get(self, url, data=None, *, status=200):
        response = self.client.get(url, data)
        assert response.status_code == status, (url, response.status_code)
        self.seen.append((f"GET {url} {data or ''}", self._read(response)))
        return response

    def post(self, url, data=None, *, status=302):
        response = self.client.post(url, data or {})
        assert response.status_code == status, (url, response.status_code)
        self.seen.append((f"POST {url}", self._read(response)))
        return response

    def sign_in(self, username, *, student=False):
        self.client.logout()
        self.post(reverse("student_login" if student else "login"), {"username": username, "password": PASSWORD})


def _admin_export(session, model: str, fmt_index: int):
    url = f"/admin/selfcheck/{model}/export/"
    form = session.get(url).context["form"]
    data = {"format": str(fmt_index), "resource": "0"}
    data.update({name: "on" for name, field in form.fields.items() if getattr(field, "is_selectable_field", False)})
    session.post(url, data, status=200)


@pytest.fixture
def school(campaign, college_a, college_b, student_a, student_b, registrar, secretary_a, admissions):
    for n in range(3):
        make_student(college_a, student_no=f"20260100{n + 50}", name=f"同学{n}", birth=date(2007, 2, 3 + n))
    for extra in Student.objects.filter(checks__isnull=True):
        make_check(campaign, extra)
    blocked = Check.objects.filter(student__student_no="2026010050").get()
    blocked.status, blocked.blocked_reason = Check.Status.BLOCKED, Check.BlockedReason.ID_BOUND
    blocked.save()
    correction = CorrectionRequest.objects.create(student=student_a, cause=CorrectionRequest.Cause.SCHOOL_ERROR)
    CorrectionItem.objects.create(
        request=correction, field="id_number", current_value=student_a.id_number, requested_value=TYPED_ID
    )
    bulletin = Bulletin.objects.create(
        campaign=campaign, sequence=1, title="第一次/通报[A]", scheduled_at=timezone.now()
    )
    bulletin_generate(bulletin)
    return {"correction": correction}


@pytest.fixture
def tasks_seen():
    seen = []

    def record(sender=None, task_id=None, task=None, args=None, kwargs=None, **_):
        seen.append(f"{task.name} {args!r} {kwargs!r}")

    task_prerun.connect(record, weak=False)
    yield seen
    task_prerun.disconnect(record)


def test_no_full_id_number_leaves_the_portal(
    client, caplog, tmp_path, school, campaign, student_a, student_b, tasks_seen, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.DEBUG)
    forbidden = set(Student.objects.values_list("id_number", flat=True)) | {TYPED_ID}
    session = Session(client)
    slug = campaign.slug
    a, b = student_a, student_b

    # --- student: their record, a discrepancy with a corrected ID, the problem page
    session.sign_in(a.student_no, student=True)
    session.get(reverse("student_home"))
    session.get(reverse("student_discrepancy", args=[slug]))
    with django_capture_on_commit_callbacks(execute=True):
        session.post(
            reverse("student_discrepancy", args=[slug]),
            {"wrong_id_number": "on", "correct_id_number": TYPED_ID, "wrong_name": "on", "correct_name": "张叁",
             "cause": "admission_mismatch", "evidence_kind": "id_card", "files": [upload("身份证.png", png_bytes())]},
        )  # fmt: skip
    filed = CorrectionRequest.objects.get(campaign=campaign, student=a)
    evidence_url = reverse("evidence_download", args=[filed.pk, filed.evidence.get().pk])
    session.get(reverse("student_home"))
    session.get(reverse("student_discrepancy", args=[slug]))
    session.get(reverse("correction_detail", args=[filed.pk]))
    session.get(evidence_url)
    session.get(reverse("student_blocked", args=[slug]))
    session.get(reverse("password_change"))
    session.get(reverse("check_detail", args=[slug, b.pk]), status=403)

    # --- secretary of college A: dashboard, detail, on behalf, exports, someone else's student
    session.sign_in("sec-a")
    session.get(reverse("secretary_home"))
    college_url = reverse("college_dashboard", args=[slug, a.college.code])
    session.get(college_url, {"status": "all"})
    session.get(college_url, {"q": a.student_no})
    session.get(reverse("check_detail", args=[slug, a.pk]))
    session.post(
        reverse("check_detail", args=[slug, a.pk]),
        {"status": Check.Status.BLOCKED, "blocked_reason": Check.BlockedReason.ID_BOUND, "reason": "电话确认"},
    )
    for fmt in ("xlsx", "csv"):
        session.get(reverse("college_export", args=[slug, a.college.code]), {"format": fmt, "status": "all"})
    session.get(reverse("check_detail", args=[slug, b.pk]), status=404)
    session.get(reverse("audit_list"), status=403)
    session.get(reverse("correction_queue"))
    session.get(reverse("correction_detail", args=[filed.pk]))
    with django_capture_on_commit_callbacks(execute=True):
        session.post(reverse("correction_step", args=[filed.pk, "review"]), {"text": "已核对"})

    # --- admissions
    session.sign_in("admissions")
    session.get(reverse("admissions_home"))
    session.get(reverse("audit_list"), status=403)

    # --- registrar: every page and export, an import with ID clashes, the audit page, the admin
    session.sign_in("registrar")
    session.get(reverse("registrar_home"))
    session.get(reverse("campaign_dashboard", args=[slug]))
    session.get(reverse("campaign_checks", args=[slug]), {"status": "all"})
    session.get(reverse("campaign_checks", args=[slug]), {"q": "张"})
    session.get(reverse("campaign_edit", args=[slug]))
    session.get(reverse("campaign_create"))
    session.get(reverse("import_template", args=["roster"]))
    for student in (a, b):
        session.get(reverse("check_detail", args=[slug, student.pk]))
        session.get(reverse("college_dashboard", args=[slug, student.college.code]), {"status": "all"})
    for kind in ("colleges", "checks", "problems"):
        for fmt in ("xlsx", "csv"):
            session.get(reverse("campaign_export", args=[slug, kind]), {"format": fmt, "status": "all"})
    session.get(reverse("check_detail", args=[slug, 999999]), status=404)
    session.get(reverse("correction_queue"), {"state": ""})
    session.get(reverse("correction_detail", args=[filed.pk]))
    with django_capture_on_commit_callbacks(execute=True):
        session.post(reverse("correction_step", args=[filed.pk, "forward"]), {"text": "请核实"})

    rows = [roster_row(1), roster_row(2), roster_row(3), roster_row(4)]
    rows[1]["证件号码"] = rows[0]["证件号码"]
    rows[2]["证件号码"] = a.id_number
    rows[3]["证件号码"] = b.id_number[:-1] + ("0" if b.id_number[-1] != "0" else "1")  # check digit wrong
    moved = roster_row(5, gender="F", birth=b.birth_date)  # b's record with a new, valid ID number
    moved.update({"学号": b.student_no, "姓名": b.name, "学院": b.college.name})
    rows.append(moved)
    forbidden |= {row["证件号码"] for row in rows}
    session.get(reverse("import_list"))
    with django_capture_on_commit_callbacks(execute=True):
        session.post(
            reverse("import_upload"),
            {"campaign": campaign.pk, "kind": "roster", "file": xlsx_upload(tmp_path, table(rows))},
        )
    record = RosterImport.objects.get()
    assert record.invalid_count >= 3
    assert record.preview["changes"][0]["student_no"] == b.student_no  # the ID change is previewed, masked
    session.get(reverse("import_detail", args=[record.pk]))
    session.get(reverse("import_progress", args=[record.pk]))
    for fmt in ("xlsx", "csv"):
        session.get(reverse("import_errors", args=[record.pk, fmt]))

    session.get(reverse("audit_list"))
    session.get(reverse("audit_list"), {"target": a.student_no})
    session.get(reverse("audit_export"))

    session.get("/admin/")
    session.get("/admin/selfcheck/student/")
    session.get("/admin/selfcheck/student/", {"q": a.id_number[-4:]})
    session.get(f"/admin/selfcheck/student/{a.pk}/change/")
    session.get(f"/admin/selfcheck/check/{Check.objects.get(student=a).pk}/change/")
    session.get(f"/admin/selfcheck/correctionrequest/{school['correction'].pk}/change/")
    session.get(f"/admin/selfcheck/rosterimport/{record.pk}/change/")
    session.get("/admin/selfcheck/auditevent/")
    for event in AuditEvent.objects.all():
        session.get(f"/admin/selfcheck/auditevent/{event.pk}/change/")
    for model in ("student", "check"):
        for fmt_index in (0, 1):
            _admin_export(session, model, fmt_index)

    # --- the one exception: the registrar's explicit reveal, a POST, shown on that response
    revealed = client.post(reverse("reveal_id_number", args=[slug, a.pk]))
    assert a.id_number in revealed.content.decode()

    # --- nothing else carried a full number: pages, exports, headers, logs, task arguments
    assert len(session.seen) > 60
    leaks = [
        (where, number) for where, text in session.seen for number in forbidden if number in text or number in where
    ]
    assert leaks == []
    logged = caplog.text + "\n".join(record.getMessage() for record in caplog.records)
    assert caplog.records  # the session did log
    assert [n for n in forbidden if n in logged] == []
    assert tasks_seen and [n for n in forbidden if any(n in t for t in tasks_seen)] == []
    assert AuditEvent.objects.filter(action="student.reveal_id").count() == 1
