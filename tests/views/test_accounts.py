import pytest
from django.urls import reverse

from selfcheck.models import AuditEvent, Role, User
from tests.factories import PASSWORD, make_student

NEW_PASSWORD = "Xk9-campus-2026"


@pytest.fixture
def fresh_student(college_a):
    """A student on the roster who has never signed in."""
    return make_student(college_a, student_no="2026019999", name="赵六")


def activate(client, student, **overrides):
    data = {
        "student_no": student.student_no,
        "id_number": student.id_number,
        "name": student.name,
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }
    data.update(overrides)
    return client.post(reverse("student_activate"), data)


def test_staff_sign_in_with_username_and_password(client, registrar):
    response = client.post(reverse("login"), {"username": "registrar", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("home")).url == reverse("registrar_home")


def test_staff_sign_in_with_a_wrong_password_says_so_in_chinese(client, registrar):
    response = client.post(reverse("login"), {"username": "registrar", "password": "nope"})
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()


def test_student_signs_in_with_student_no(client, student_a):
    response = client.post(reverse("student_login"), {"username": student_a.student_no, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("home")).url == reverse("student_home")


def test_staff_cannot_use_the_student_entrance(client, registrar):
    response = client.post(reverse("student_login"), {"username": "registrar", "password": PASSWORD})
    assert response.status_code == 200
    assert "教职工请从教职工入口登录" in response.content.decode()


def test_first_sign_in_proves_identity_and_sets_the_password(client, fresh_student):
    response = activate(client, fresh_student, id_number=fresh_student.id_number.lower() + " ")
    assert response.status_code == 302
    fresh_student.refresh_from_db()
    user = fresh_student.user
    assert user.username == fresh_student.student_no and user.role == Role.STUDENT
    assert user.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(action="student.activate", target_id=str(fresh_student.pk)).exists()
    client.logout()
    response = client.post(reverse("student_login"), {"username": fresh_student.student_no, "password": NEW_PASSWORD})
    assert response.status_code == 302


def test_first_sign_in_refuses_a_wrong_id_number(client, fresh_student):
    wrong = fresh_student.id_number[:-2] + "00"
    response = activate(client, fresh_student, id_number=wrong)
    assert response.status_code == 200
    assert "学号、证件号码与姓名不匹配" in response.content.decode()
    fresh_student.refresh_from_db()
    assert fresh_student.user is None
    assert not User.objects.filter(username=fresh_student.student_no).exists()


def test_first_sign_in_refuses_a_wrong_name(client, fresh_student):
    response = activate(client, fresh_student, name="赵七")
    assert "学号、证件号码与姓名不匹配" in response.content.decode()


def test_first_sign_in_refuses_mismatched_passwords(client, fresh_student):
    response = activate(client, fresh_student, password2="something-else-1")
    assert "两次输入的密码不一致" in response.content.decode()
    fresh_student.refresh_from_db()
    assert fresh_student.user is None


def test_first_sign_in_is_throttled_after_repeated_failures(client, fresh_student):
    for _ in range(5):
        activate(client, fresh_student, name="错误")
    response = activate(client, fresh_student)
    assert "验证失败次数过多" in response.content.decode()
    fresh_student.refresh_from_db()
    assert fresh_student.user is None


def test_repeated_wrong_passwords_lock_the_account(client, student_a):
    for _ in range(5):
        client.post(reverse("student_login"), {"username": student_a.student_no, "password": "wrong"})
    response = client.post(reverse("student_login"), {"username": student_a.student_no, "password": PASSWORD})
    assert response.status_code == 429
    html = response.content.decode()
    assert "暂时锁定" in html
    # A way back, and whom to ask.
    assert reverse("student_login") in html and 'data-testid="contacts"' in html


def test_the_lock_out_page_shows_the_registrars_office_of_the_open_campaign(client, campaign, student_a):
    campaign.office_contact = "学籍科 行政楼 203 室，电话 0571-8800 1234"
    campaign.save()
    for _ in range(6):
        response = client.post(reverse("student_login"), {"username": student_a.student_no, "password": "wrong"})
    assert response.status_code == 429 and "行政楼 203 室" in response.content.decode()


def test_a_get_on_the_sign_out_url_signs_nobody_out(client, student_user):
    client.force_login(student_user)
    response = client.get(reverse("logout"))
    assert response.status_code == 302 and response.url == reverse("home")
    assert client.get(reverse("student_home")).status_code == 200


def test_a_student_signing_out_returns_to_the_student_sign_in(client, student_user):
    client.force_login(student_user)
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response.url == reverse("student_login")


def test_sign_out_needs_a_post(client, registrar):
    client.force_login(registrar)
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response.url == reverse("login")
    assert client.get(reverse("home")).status_code == 302


def test_a_signed_in_user_changes_their_password(client, student_user):
    client.force_login(student_user)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    student_user.refresh_from_db()
    assert student_user.check_password(NEW_PASSWORD)
