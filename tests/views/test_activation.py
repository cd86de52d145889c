"""Activation is for a student without a usable account, throttled per identity."""

import pytest
from django.urls import reverse

from selfcheck.models import AuditEvent, Role, User
from tests.conftest import PASSWORD
from tests.factories import make_student

NEW_PASSWORD = "Xk9-campus-2026"


@pytest.fixture
def fresh_student(college_a):
    return make_student(college_a, student_no="2026019999", name="赵六")


def post(client, student, meta=None, **overrides):
    data = {
        "student_no": student.student_no,
        "id_number": student.id_number,
        "name": student.name,
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }
    data.update(overrides)
    return client.post(reverse("student_activate"), data, **(meta or {}))


def test_it_refuses_to_activate_an_account_already_in_use(client, student_a):
    """Class lists circulate: 学号 + ID + name must not take over a classmate's account."""
    owner = student_a.user
    response = post(client, student_a)
    assert response.status_code == 200
    assert "该学号已激活" in response.content.decode()
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD) and not owner.check_password(NEW_PASSWORD)
    assert not AuditEvent.objects.filter(action="student.activate").exists()
    assert "_auth_user_id" not in client.session


def test_it_keeps_a_disabled_account_disabled(client, student_a):
    student_a.user.is_active = False
    student_a.user.set_unusable_password()
    student_a.user.save()
    response = post(client, student_a)
    assert "该账号已停用" in response.content.decode()
    student_a.user.refresh_from_db()
    assert not student_a.user.is_active
    assert not student_a.user.has_usable_password()


def test_it_activates_an_account_created_without_a_password(client, college_a):
    student = make_student(college_a, student_no="2026018888", name="钱七")
    student.user = User.objects.create_user(username=student.student_no, role=Role.STUDENT)  # unusable password
    student.save(update_fields=["user"])
    response = post(client, student)
    assert response.status_code == 302
    student.user.refresh_from_db()
    assert student.user.check_password(NEW_PASSWORD)


def test_full_width_and_zero_width_spellings_share_one_counter(client, fresh_student):
    spellings = [
        "２０２６０１９９９９",
        "2026019999\u200b",
        " 2026019999　",
        "２０２６019999",
        "2026\u200b019999",
    ]
    for spelling in spellings:
        response = post(client, fresh_student, student_no=spelling, name="错误")
        assert "学号、证件号码与姓名不匹配" in response.content.decode()
    response = post(client, fresh_student)
    assert "验证失败次数过多" in response.content.decode()
    fresh_student.refresh_from_db()
    assert fresh_student.user is None


def test_a_success_on_another_account_does_not_reset_the_address_counter(client, college_a, settings):
    settings.SELFCHECK_ADDRESS_ATTEMPTS = 3
    victim = make_student(college_a, student_no="2026017777", name="孙八")
    mine = make_student(college_a, student_no="2026016666", name="周九")
    post(client, victim, name="错误")
    post(client, victim, name="错误")
    assert post(client, mine).status_code == 302
    client.logout()
    post(client, victim, name="错误")
    response = post(client, victim)
    assert "验证失败次数过多" in response.content.decode()
    victim.refresh_from_db()
    assert victim.user is None


def test_behind_the_proxy_each_client_has_its_own_address_counter(client, college_a, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.SELFCHECK_ADDRESS_ATTEMPTS = 2
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    target = make_student(college_a, student_no="2026013333", name="冯二")
    other = make_student(college_a, student_no="2026012222", name="陈三")
    for _ in range(2):
        post(client, target, name="错误", meta={**proxy, "HTTP_X_FORWARDED_FOR": "203.0.113.7"})
    blocked = post(client, other, meta={**proxy, "HTTP_X_FORWARDED_FOR": "203.0.113.7"})
    assert "验证失败次数过多" in blocked.content.decode()
    # Another student behind the same proxy is not blocked by the first one's failures.
    response = post(client, other, meta={**proxy, "HTTP_X_FORWARDED_FOR": "198.51.100.9"})
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="student.activate")
    assert event.ip_address == "198.51.100.9"


def test_without_a_trusted_proxy_a_forged_header_gives_no_fresh_counter(client, college_a, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.SELFCHECK_ADDRESS_ATTEMPTS = 2
    target = make_student(college_a, student_no="2026011111", name="褚四")
    other = make_student(college_a, student_no="2026010101", name="卫五")
    for n in range(2):
        post(client, target, name="错误", meta={"HTTP_X_FORWARDED_FOR": f"203.0.113.{n}"})
    response = post(client, other, meta={"HTTP_X_FORWARDED_FOR": "198.51.100.9"})
    assert "验证失败次数过多" in response.content.decode()
