"""The chase page: per class, paste-ready reminders and a printable sheet, within scope."""

from django.urls import reverse


def _url(campaign, code="A01"):
    return reverse("college_chase", args=[campaign.slug, code])


def test_a_secretary_sees_pending_and_blocked_students_per_class(client, secretary_a, campaign, school):
    client.force_login(secretary_a)
    response = client.get(_url(campaign))
    assert response.status_code == 200
    classes = response.context["classes"]
    listed = {s.student_no: s.status for k in classes for s in k.students}
    assert set(listed.values()) == {"pending", "blocked"}
    assert all(k.message.startswith("【2026级新生学籍自查】计算机学院") for k in classes)
    html = response.content.decode()
    for student in school["a"]:
        assert student.id_number not in html and student.masked_id_number not in html
    assert 'data-copy="msg-1"' in html and "chase.js" in html


def test_another_colleges_chase_page_is_404_and_students_get_403(client, secretary_b, student_user, campaign, school):
    client.force_login(secretary_b)
    assert client.get(_url(campaign)).status_code == 404
    client.force_login(student_user)
    assert client.get(_url(campaign)).status_code == 403


def test_one_class_only(client, registrar, campaign, school):
    client.force_login(registrar)
    classes = client.get(_url(campaign), {"class_name": "软件2602"}).context["classes"]
    assert [k.class_name for k in classes] == ["软件2602"]
