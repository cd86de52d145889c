"""The identity guard: another person under an existing 学号 is never an ordinary update."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from selfcheck.demo import resident_id
from selfcheck.models import AuditEvent, Check, RosterImport, Student
from selfcheck.services import roster
from selfcheck.tasks import imports as tasks
from tests.factories import student, table, write_xlsx

pytestmark = pytest.mark.django_db
S = RosterImport.State
OTHER_BIRTH = date(2006, 3, 4)


def other_person(n: int, **changes) -> dict:
    """Row n's 学号 carrying another person's 姓名, 出生日期 and 证件号码."""
    return student(n, 姓名="另一人", 出生日期=OTHER_BIRTH.isoformat(), 证件号码=resident_id("110105", OTHER_BIRTH, 900 + n, "M"),
                   **changes)  # fmt: skip


def run(tmp_path, rows, campaign, **options):
    return roster.roster_import_run(write_xlsx(tmp_path / "r.xlsx", table(rows)), campaign=campaign, **options)


@pytest.fixture
def imported(tmp_path, campaign, college_a):
    outcome = run(tmp_path, [student(1), student(2), student(3)], campaign)
    assert outcome.committed and outcome.created == 3
    return {s.student_no: s for s in Student.objects.all()}


def test_a_different_person_under_an_existing_student_no_is_held_back(tmp_path, campaign, imported):
    outcome = run(tmp_path, [other_person(1), student(2, 专业="数据科学"), student(3)], campaign)
    assert outcome.committed and (outcome.updated, outcome.unchanged) == (1, 1)
    assert [c.as_json() for c in outcome.identity_changes] == [
        {"row": 2, "student_no": "2026000001", "fields": ["name", "id_number", "birth_date"]}
    ]
    first = Student.objects.get(student_no="2026000001")
    assert (first.name, first.id_number) == ("学生1", imported["2026000001"].id_number)
    assert Student.objects.get(student_no="2026000002").major == "数据科学"
    assert not AuditEvent.objects.filter(action="student.identity_change").exists()
    preview = outcome.preview
    assert preview["identity_total"] == 1 and preview["identity_changes"][0]["student_no"] == "2026000001"
    assert [c["student_no"] for c in preview["changes"]] == ["2026000002"]


def test_two_differing_fields_are_enough_and_one_is_an_ordinary_change(tmp_path, campaign, imported):
    two = student(1, 姓名="改名", 证件号码=resident_id("110105", date(2007, 5, 12), 777, "M"))  # same birth date
    one = student(2, 姓名="改名二")
    outcome = run(tmp_path, [two, one, student(3)], campaign, dry_run=True)
    assert [(c.student_no, c.fields) for c in outcome.identity_changes] == [("2026000001", ["name", "id_number"])]
    assert outcome.updated == 1 and outcome.preview["changes"][0]["student_no"] == "2026000002"


def test_accepted_identity_changes_are_written_and_audited_one_by_one(tmp_path, campaign, imported):
    outcome = run(tmp_path, [other_person(1), other_person(2), student(3)], campaign, accept_identity_changes=True)
    assert outcome.committed and outcome.identity_held == [] and outcome.updated == 2
    assert set(Student.objects.filter(name="另一人").values_list("student_no", flat=True)) == {
        "2026000001", "2026000002",
    }  # fmt: skip
    events = AuditEvent.objects.filter(action="student.identity_change").order_by("target_id")
    assert [e.target_id for e in events] == [str(imported["2026000001"].pk), str(imported["2026000002"].pk)]
    assert events[0].changes["name"] == ["学生1", "另一人"]
    assert events[0].changes["birth_date"] == ["2007-05-12", OTHER_BIRTH.isoformat()]


def test_staff_accept_only_the_identity_changes_they_tick(
    tmp_path, campaign, imported, registrar, django_capture_on_commit_callbacks
):
    path = write_xlsx(tmp_path / "r.xlsx", table([other_person(1), other_person(2), student(3)]))
    with django_capture_on_commit_callbacks(execute=True):
        record = roster.roster_import_create(
            upload=SimpleUploadedFile("r.xlsx", path.read_bytes()),
            campaign=campaign,
            kind="roster",
            user=registrar,
            queue=tasks.queue_validation,
        )
    record.refresh_from_db()
    assert record.state == S.VALIDATED and record.preview["identity_total"] == 2
    with django_capture_on_commit_callbacks(execute=True):
        roster.roster_import_confirm(
            record,
            valid_only=False,
            user=registrar,
            accepted_identities=["2026000002", "9999999999"],
            queue=tasks.queue_commit,
        )
    record.refresh_from_db()
    assert record.state == S.COMMITTED and record.accepted_identities == ["2026000002"]
    assert Student.objects.get(student_no="2026000001").name == "学生1"
    assert Student.objects.get(student_no="2026000002").name == "另一人"
    event = AuditEvent.objects.get(action="student.identity_change")
    assert event.actor == registrar and event.target_id == str(imported["2026000002"].pk)
    confirm = AuditEvent.objects.get(action="roster_import.confirm")
    assert confirm.changes["accepted_identities"] == [None, ["2026000002"]]
    assert Check.objects.filter(campaign=campaign).count() == 3
