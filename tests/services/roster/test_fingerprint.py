"""Re-importing an unchanged roster skips the rows a student's fingerprint vouches for,
and never when the record, the header or the colleges changed since."""

import pytest

from selfcheck.models import College, Student
from selfcheck.services import roster
from selfcheck.services.roster import pipeline
from selfcheck.services.roster.compare import compare_roster
from tests.factories import HEADER, student, table, write_xlsx

pytestmark = pytest.mark.django_db


def parse(path):
    return pipeline.parse_file(path, path.name, "roster", None, None)


@pytest.fixture
def committed(tmp_path, campaign, college_a):
    path = write_xlsx(tmp_path / "r.xlsx", table([student(n) for n in range(1, 5)]))
    outcome = roster.roster_import_run(path, campaign=campaign)
    assert outcome.created == 4
    assert all(len(d) == 24 for d in Student.objects.values_list("roster_digest", flat=True))
    assert all(s.roster_stamp == s.updated_at for s in Student.objects.all())
    return path


def test_an_unchanged_file_is_recognised_row_by_row_without_parsing(committed, campaign):
    parsed = parse(committed)
    assert sorted(no for no, _ in parsed.fast.values()) == [f"2026{n:06d}" for n in range(1, 5)]
    assert parsed.rows == {}
    outcome = roster.roster_import_run(committed, campaign=campaign)
    assert (outcome.unchanged, outcome.updated, outcome.created, outcome.invalid) == (4, 0, 0, 0)
    assert outcome.preview["missing"]["count"] == 0


def test_a_student_changed_in_the_portal_is_read_again_and_restored(committed, campaign):
    changed = Student.objects.get(student_no="2026000002")
    changed.major = "数据科学"
    changed.save()  # moves updated_at past the fingerprint's stamp
    parsed = parse(committed)
    assert len(parsed.fast) == 3 and len(parsed.rows) == 1
    outcome = roster.roster_import_run(committed, campaign=campaign)
    assert outcome.updated == 1 and Student.objects.get(pk=changed.pk).major == "软件工程"
    assert len(parse(committed).fast) == 4  # fingerprint restored with the update


def test_saving_only_the_account_keeps_the_fingerprint(committed, registrar, campaign):
    kept = Student.objects.get(student_no="2026000001")
    kept.user = registrar
    kept.save(update_fields=["user"])
    assert len(parse(committed).fast) == 4


def test_another_header_or_another_college_list_reads_every_row(committed, tmp_path, campaign, college_a):
    moved = [HEADER[1], HEADER[0], *HEADER[2:]]
    path = write_xlsx(tmp_path / "moved.xlsx", table([student(n) for n in range(1, 5)], header=moved))
    assert parse(path).fast == {}
    College.objects.create(code="Z99", name="新学院")
    assert parse(committed).fast == {}
    outcome = roster.roster_import_run(committed, campaign=campaign)
    assert outcome.unchanged == 4 and len(parse(committed).fast) == 4  # fingerprints renewed


def test_a_record_changed_between_reading_and_writing_is_reported(committed, campaign):
    parsed = parse(committed)
    Student.objects.filter(student_no="2026000003").update(roster_digest="")
    plan = compare_roster(parsed, campaign)
    assert plan.invalid == 1 and len(plan.unchanged_ids) == 3
    assert [p.message for p in parsed.errors] == ["该学生的信息在读取文件后有变化，请重新校验"]


def test_a_repeated_student_no_is_caught_on_the_fast_path_too(committed, tmp_path, campaign):
    rows = [student(n) for n in range(1, 5)] + [student(1)]
    path = write_xlsx(tmp_path / "twice.xlsx", table(rows))
    outcome = roster.roster_import_run(path, campaign=campaign, dry_run=True)
    assert outcome.invalid == 2 and {p.row for p in outcome.errors} == {2, 6}
