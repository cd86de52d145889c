from django.urls import reverse

from selfcheck.admin import CheckResource, StudentResource


def test_the_portal_opens_in_chinese_whatever_the_browser_asks(client, db):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "zh-hans"
    assert "教职工登录" in response.content.decode()


def test_the_language_menu_switches_to_english(client, db):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert response.status_code == 302
    response = client.get(reverse("login"))
    assert response["Content-Language"] == "en"


def test_admin_pages_answer_for_the_registrar(client, registrar, student_a):
    client.force_login(registrar)
    for name in (
        "student",
        "college",
        "check",
        "campaign",
        "correctionrequest",
        "rosterimport",
        "bulletin",
        "auditevent",
    ):
        assert client.get(reverse(f"admin:selfcheck_{name}_changelist")).status_code == 200, name
    assert client.get(reverse("admin:selfcheck_student_export")).status_code == 200


def test_admin_is_closed_to_secretaries(client, secretary_a):
    client.force_login(secretary_a)
    response = client.get(reverse("admin:selfcheck_student_changelist"))
    assert response.status_code == 302


def test_student_export_resource_has_every_record_field(student_a):
    dataset = StudentResource().export()
    assert dataset.headers[:3] == ["student_no", "exam_no", "name"]
    assert dataset[0][0] == student_a.student_no


def test_check_export_masks_id_numbers(student_a):
    dataset = CheckResource().export()
    row = dict(zip(dataset.headers, dataset[0], strict=True))
    assert row["证件号码"] == student_a.masked_id_number
