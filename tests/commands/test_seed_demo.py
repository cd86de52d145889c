import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from selfcheck.idcheck import check_id_number
from selfcheck.models import Bulletin, Campaign, Check, College, Role, Student, User


def seed(*args):
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_seed_demo_builds_a_realistic_school():
    output = seed("--students", "120", "--seed", "7", "--password", "secret-demo-1")
    assert Student.objects.count() == 120
    assert 8 <= College.objects.count() <= 12
    campaign = Campaign.objects.get(slug="demo")
    assert campaign.state == Campaign.State.OPEN
    assert Bulletin.objects.filter(campaign=campaign).count() == 2
    assert Check.objects.filter(campaign=campaign).count() == 120
    statuses = set(Check.objects.values_list("status", flat=True))
    assert {Check.Status.PENDING, Check.Status.CONFIRMED} <= statuses
    for student in Student.objects.all():
        assert (
            check_id_number(student.id_type, student.id_number, birth_date=student.birth_date, gender=student.gender)
            == []
        )
    assert User.objects.filter(role=Role.SECRETARY).count() == College.objects.count()
    for secretary in User.objects.filter(role=Role.SECRETARY):
        assert secretary.colleges.get().code == secretary.username.removeprefix("sec-")
    assert "secret-demo-1" in output and "registrar" in output


@pytest.mark.django_db
def test_every_demo_account_signs_in_with_the_given_password():
    seed("--students", "5", "--password", "secret-demo-1")
    student = Student.objects.first()
    for username in ("registrar", "admissions", "sec-01", student.student_no):
        request = RequestFactory().post("/login/")
        assert authenticate(request, username=username, password="secret-demo-1") is not None, username
    assert User.objects.get(username="registrar").is_staff


@pytest.mark.django_db
def test_seed_demo_is_deterministic_with_a_seed():
    seed("--students", "30", "--seed", "3")
    first = list(Student.objects.order_by("student_no").values_list("student_no", "name", "id_number"))
    seed("--students", "30", "--seed", "3", "--reset")
    assert list(Student.objects.order_by("student_no").values_list("student_no", "name", "id_number")) == first


@pytest.mark.django_db
def test_seed_demo_refuses_to_load_twice_and_skips_when_asked():
    seed("--students", "3")
    with pytest.raises(CommandError):
        seed("--students", "3")
    assert "already loaded" in seed("--students", "3", "--if-empty")
    assert Student.objects.count() == 3
