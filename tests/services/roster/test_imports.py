"""Preview, then confirm: what an import writes, what it never writes, and doing it twice."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from selfcheck.models import AuditEvent, Check, College, CollegeAlias, RosterImport, Student
from selfcheck.services import roster
from selfcheck.tasks import imports as tasks
from tests.factories import make_check, make_student, student, table, write_csv, write_xlsx

pytestmark = pytest.mark.django_db
S = RosterImport.State


def run(tmp_path, rows, campaign, *, name="roster.xlsx", **options):
    path = tmp_path / name
    write_csv(path, rows) if name.endswith(".csv") else write_xlsx(path, rows)
    return roster.roster_import_run(path, campaign=campaign, **options)


def upload(tmp_path, rows, campaign, user, capture, *, name="roster.xlsx", kind=RosterImport.Kind.ROSTER, encoding=""):
    """Upload through the service as the view does; validation runs when the transaction commits."""
    path = tmp_path / name
    write_csv(path, rows, encoding="gbk") if name.endswith(".csv") else write_xlsx(path, rows)
    with capture(execute=True):
        record = roster.roster_import_create(
            upload=SimpleUploadedFile(name, path.read_bytes()), campaign=campaign, kind=kind,
            encoding_override=encoding, user=user, queue=tasks.queue_validation,
        )  # fmt: skip
    record.refresh_from_db()
    return record


def confirm(record, user, capture, *, valid_only=False):
    with capture(execute=True):
        roster.roster_import_confirm(record, valid_only=valid_only, user=user, queue=tasks.queue_commit)
    record.refresh_from_db()
    return record


def test_it_writes_normalised_students_a_check_each_and_one_audit_event(tmp_path, campaign, college_a):
    rows = [
        student(1, 姓名="  张 三 ", 学号="２０２６０００００１"),
        student(2, gender="F", 学制="1.5", 层次="专科(高职)", 出生日期="2007/5/12", 入学日期="20260901"),
    ]
    rows[0]["证件号码"] = rows[0]["证件号码"].lower()
    outcome = run(tmp_path, table(rows), campaign)
    # the 专科 student is outside the 本科 campaign: written, but given no Check
    assert outcome.committed and (outcome.created, outcome.checks_created) == (2, 1)
    first = Student.objects.get(student_no="2026000001")
    assert first.name == "张 三" and first.college == college_a and first.cohort == 2026
    assert first.id_number == rows[0]["证件号码"].upper()
    second = Student.objects.get(student_no="2026000002")
    assert (second.gender, second.level, second.duration) == ("F", "zk", Decimal("1.5"))
    assert (second.birth_date, second.enrolled_on) == (date(2007, 5, 12), date(2026, 9, 1))
    assert list(Check.objects.filter(campaign=campaign, status=Check.Status.PENDING).values_list(
        "student__student_no", flat=True)) == ["2026000001"]  # fmt: skip
    event = AuditEvent.objects.get(action="roster_import.commit")
    assert event.changes["created"] == [None, 2]
    assert RosterImport.objects.get().state == S.COMMITTED


def test_one_invalid_row_means_nothing_is_written(tmp_path, campaign, college_a):
    outcome = run(tmp_path, table([student(1), student(2, 性别="未知")]), campaign)
    assert not outcome.committed and outcome.invalid == 1
    assert not Student.objects.exists() and not Check.objects.exists() and not RosterImport.objects.exists()


def test_staff_can_choose_to_import_only_the_valid_rows(tmp_path, campaign, college_a):
    outcome = run(tmp_path, table([student(1), student(2, 性别="未知")]), campaign, valid_only=True)
    assert outcome.committed and outcome.created == 1 and outcome.invalid == 1
    assert list(Student.objects.values_list("student_no", flat=True)) == ["2026000001"]


def test_importing_the_same_file_again_changes_nothing(tmp_path, campaign, college_a):
    rows = table([student(1), student(2)])
    run(tmp_path, rows, campaign)
    before = list(Student.objects.order_by("pk").values_list("pk", "updated_at"))
    checks = list(Check.objects.order_by("pk").values_list("pk", "created_at"))
    again = run(tmp_path, rows, campaign)
    assert (again.created, again.updated, again.unchanged, again.checks_created) == (0, 0, 2, 0)
    assert list(Student.objects.order_by("pk").values_list("pk", "updated_at")) == before
    assert list(Check.objects.order_by("pk").values_list("pk", "created_at")) == checks


def test_changed_fields_are_shown_and_only_they_are_written(tmp_path, campaign, college_a, college_b):
    run(tmp_path, table([student(1), student(2)]), campaign)
    Student.objects.filter(student_no="2026000001").update(phone="13900000000")
    outcome = run(tmp_path, table([student(1, 专业="人工智能", 学院="外国语学院"), student(2)]), campaign, dry_run=True)
    assert (outcome.updated, outcome.unchanged) == (1, 1)
    [change] = outcome.preview["changes"]
    assert change["student_no"] == "2026000001" and change["row"] == 2
    assert {"label": "专业", "old": "软件工程", "new": "人工智能"} in change["fields"]
    assert {"label": "学院", "old": "计算机学院", "new": "外国语学院"} in change["fields"]
    assert len(change["fields"]) == 2
    run(tmp_path, table([student(1, 专业="人工智能", 学院="外国语学院"), student(2)]), campaign)
    changed = Student.objects.get(student_no="2026000001")
    assert (changed.major, changed.college, changed.phone) == ("人工智能", college_b, "13900000000")
    assert changed.checks.get().college == college_b  # the dashboards count the move at once


def test_a_blank_optional_cell_never_clears_stored_data(tmp_path, campaign, college_a):
    run(tmp_path, table([student(1, 班级="软件2601")]), campaign)
    outcome = run(tmp_path, table([student(1, 班级="", 民族="")]), campaign)
    assert outcome.unchanged == 1
    assert Student.objects.get().class_name == "软件2601"


def test_students_missing_from_a_newer_file_are_reported_never_deleted(tmp_path, campaign, college_a, student_a):
    outcome = run(tmp_path, table([student(1)]), campaign)
    assert outcome.preview["missing"] == {"count": 1, "sample": [{"student_no": student_a.student_no, "name": "张三"}]}
    assert Student.objects.filter(pk=student_a.pk).exists()
    assert Check.objects.filter(student=student_a, campaign=campaign).exists()


def test_a_stored_student_gets_a_check_when_the_file_names_them(tmp_path, campaign, college_a):
    stored = make_student(college_a, student_no="2026000001", birth=date(2007, 5, 12))
    row = student(1, 姓名=stored.name, 证件号码=stored.id_number)
    outcome = run(tmp_path, table([row]), campaign)
    assert outcome.checks_created == 1
    assert Check.objects.filter(student=stored, campaign=campaign).count() == 1


def test_upload_validate_confirm_commit_through_tasks(
    tmp_path, campaign, college_a, registrar, django_capture_on_commit_callbacks
):
    record = upload(tmp_path, table([student(1), student(2)]), campaign, registrar, django_capture_on_commit_callbacks)
    assert record.state == S.VALIDATED and record.progress == 100
    assert (record.created_count, record.invalid_count, record.header_row) == (2, 0, 1)
    assert not Student.objects.exists()
    record = confirm(record, registrar, django_capture_on_commit_callbacks)
    assert record.state == S.COMMITTED and record.committed_at is not None
    assert Student.objects.count() == 2 and Check.objects.count() == 2
    # A task delivered twice does its work once.
    assert tasks.roster_import_commit(roster_import_id=record.pk) == "skipped"
    assert tasks.roster_import_validate(roster_import_id=record.pk) == "skipped"
    assert tasks.roster_import_commit(roster_import_id=999999) == "gone"
    assert AuditEvent.objects.filter(action="roster_import.commit").count() == 1


def test_confirming_an_invalid_preview_needs_the_valid_only_choice(
    tmp_path, campaign, college_a, registrar, django_capture_on_commit_callbacks
):
    record = upload(
        tmp_path, table([student(1), student(2, 学制="很久")]), campaign, registrar, django_capture_on_commit_callbacks
    )
    assert record.state == S.VALIDATED and record.invalid_count == 1
    assert record.errors == [
        {"row": 3, "column": "学制", "message": "无法识别的学制“很久”（应为年数，如 4、4.5、2年）"}
    ]
    with pytest.raises(roster.ConfirmRefused):
        roster.roster_import_confirm(record, valid_only=False, user=registrar, queue=tasks.queue_commit)
    assert RosterImport.objects.get(pk=record.pk).state == S.VALIDATED
    record = confirm(record, registrar, django_capture_on_commit_callbacks, valid_only=True)
    assert record.state == S.COMMITTED
    assert list(Student.objects.values_list("student_no", flat=True)) == ["2026000001"]


def test_a_preview_gone_stale_is_rechecked_and_nothing_written(
    tmp_path, campaign, college_a, registrar, django_capture_on_commit_callbacks
):
    rows = [student(1), student(2)]
    record = upload(tmp_path, table(rows), campaign, registrar, django_capture_on_commit_callbacks)
    assert record.invalid_count == 0
    # Between preview and confirm someone else stores a student holding row 3's ID number.
    make_student(college_a, student_no="2025000001", id_number=rows[1]["证件号码"])
    record = confirm(record, registrar, django_capture_on_commit_callbacks)
    assert record.state == S.VALIDATED and record.invalid_count == 1
    assert "未写入任何数据" in record.message
    assert not Student.objects.filter(student_no__startswith="2026").exists()


def test_an_unknown_college_is_mapped_then_the_file_validates(
    tmp_path, campaign, college_a, registrar, django_capture_on_commit_callbacks
):
    record = upload(
        tmp_path, table([student(1, 学院="计算机科学学院")]), campaign, registrar, django_capture_on_commit_callbacks
    )
    assert record.preview["unknown_colleges"] == [{"name": "计算机科学学院", "rows": 1}]
    with django_capture_on_commit_callbacks(execute=True):
        roster.roster_college_map(name="计算机科学学院", college=college_a, user=registrar)
        assert roster.roster_import_revalidate(record, user=registrar, queue=tasks.queue_validation)
    record.refresh_from_db()
    assert record.state == S.VALIDATED and record.invalid_count == 0
    assert CollegeAlias.objects.filter(name="计算机科学学院", college=college_a).exists()
    with pytest.raises(roster.CollegeMappingError):
        roster.roster_college_map(name="计算机科学学院", college=college_a, user=registrar)


def test_an_unknown_college_can_be_created(tmp_path, campaign, college_a, registrar):
    college = roster.roster_college_create(code="C03", name="人工智能学院", user=registrar)
    assert College.objects.get(code="C03") == college
    with pytest.raises(roster.CollegeMappingError):
        roster.roster_college_create(code="C03", name="另一个学院", user=registrar)
    outcome = run(tmp_path, table([student(1, 学院="人工智能学院")]), campaign)
    assert outcome.committed and Student.objects.get().college == college


def test_a_csv_in_gbk_can_be_revalidated_with_another_encoding(
    tmp_path, campaign, college_a, registrar, django_capture_on_commit_callbacks
):
    record = upload(tmp_path, table([student(1)]), campaign, registrar, django_capture_on_commit_callbacks,
                    name="roster.csv", encoding="utf-8")  # fmt: skip
    assert record.state == S.FAILED and "UTF-8" in record.message
    with django_capture_on_commit_callbacks(execute=True):
        roster.roster_import_revalidate(record, encoding_override="", user=registrar, queue=tasks.queue_validation)
    record.refresh_from_db()
    assert record.state == S.VALIDATED and record.encoding == "gbk" and record.created_count == 1


def test_formula_like_text_is_stored_as_typed_and_exported_as_text(tmp_path, campaign, college_a):
    from io import BytesIO

    from openpyxl import load_workbook

    from selfcheck.services.exports import render_xlsx

    payloads = ['=HYPERLINK("http://evil.example","x")', "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3"]
    rows = [student(i + 1, 班级=payload) for i, payload in enumerate(payloads)]
    run(tmp_path, table(rows[:2]), campaign)
    run(tmp_path, table(rows[2:]), campaign, name="more.csv")
    stored = list(Student.objects.order_by("student_no").values_list("class_name", flat=True))
    assert stored == payloads
    content = render_xlsx(["班级"], ([value] for value in stored))
    sheet = load_workbook(BytesIO(content)).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert all(cell.data_type == "s" for cell in cells)
    assert [cell.value for cell in cells] == ["'" + payload for payload in payloads]


# --- CHSI check list ------------------------------------------------------------------------


def checklist(tmp_path, rows, campaign, **options):
    path = write_xlsx(tmp_path / "chsi.xlsx", rows)
    return roster.roster_import_run(path, campaign=campaign, kind=RosterImport.Kind.CHECKLIST, **options)


def test_the_chsi_list_updates_checks_in_bulk(tmp_path, campaign, student_a, student_b, registrar):
    blocked = make_student(student_a.college, student_no="2026010099", birth=date(2007, 3, 1))
    make_check(campaign, blocked, status=Check.Status.BLOCKED, blocked_reason="phone_taken")
    rows = [
        ["学号", "姓名", "核对状态", "核对时间"],
        [student_a.student_no, student_a.name, "已核对", "2026-10-30 14:05"],
        ["", "", "有误", ""],
        [blocked.student_no, blocked.name, "未核对", ""],
    ]
    rows[2][0] = student_b.student_no
    outcome = checklist(tmp_path, rows, campaign, user=registrar)
    assert outcome.committed and (outcome.updated, outcome.unchanged, outcome.invalid) == (2, 1, 0)
    mine = Check.objects.get(student=student_a)
    assert (mine.status, mine.source, mine.set_by) == (Check.Status.CONFIRMED, Check.Source.CHSI_LIST, registrar)
    assert mine.set_at is not None
    assert timezone.localtime(mine.completed_at).strftime("%Y-%m-%d %H:%M") == "2026-10-30 14:05"
    assert Check.objects.get(student=student_b).status == Check.Status.DISCREPANCY
    assert Check.objects.get(student=blocked).status == Check.Status.BLOCKED  # "not checked" keeps the reason
    again = checklist(tmp_path, rows, campaign, user=registrar)
    assert (again.updated, again.unchanged) == (0, 3)
    assert AuditEvent.objects.filter(action="checklist_import.commit").count() == 2


def test_the_chsi_list_matches_by_id_number_and_reports_strangers(tmp_path, campaign, student_a):
    rows = [
        ["证件号码", "状态"],
        [student_a.id_number.lower(), "核对无误"],
        ["110105200001010011", "已核对"],
        [student_a.id_number, "随便"],
    ]
    outcome = checklist(tmp_path, rows, campaign, dry_run=True)
    assert outcome.updated == 1
    assert [(e.row, e.column) for e in outcome.errors] == [(3, "证件号码"), (4, "状态"), (4, "证件号码")]
    assert "没有该证件号码的学生" in outcome.errors[0].message
    assert Check.objects.get(student=student_a).status == Check.Status.PENDING


def test_a_chsi_list_without_a_status_column_is_refused_naming_it(tmp_path, campaign, student_a):
    outcome = checklist(tmp_path, [["学号", "姓名"], [student_a.student_no, "张三"]], campaign)
    assert outcome.refused and outcome.errors[0].column == "核对状态"
    assert "HDZT" in outcome.errors[0].message


def test_the_chsi_list_goes_through_the_same_preview_and_confirm(
    tmp_path, campaign, student_a, registrar, django_capture_on_commit_callbacks
):
    rows = [["XH", "核对结果"], [student_a.student_no, "核对无误"]]
    record = upload(
        tmp_path, rows, campaign, registrar, django_capture_on_commit_callbacks, kind=RosterImport.Kind.CHECKLIST
    )
    assert record.state == S.VALIDATED and (record.updated_count, record.invalid_count) == (1, 0)
    assert record.preview["changes"][0]["fields"] == [{"label": "核对状态", "old": "未核对", "new": "核对无误"}]
    assert Check.objects.get(student=student_a).status == Check.Status.PENDING
    record = confirm(record, registrar, django_capture_on_commit_callbacks)
    assert record.state == S.COMMITTED
    check = Check.objects.get(student=student_a)
    assert (check.status, check.source, check.set_by) == (Check.Status.CONFIRMED, Check.Source.CHSI_LIST, registrar)
    assert check.completed_at is not None
