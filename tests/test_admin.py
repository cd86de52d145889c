"""The Django admin is a read-mostly window: workflow fields read-only, its own edits audited."""

from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import timezone

from selfcheck.admin import CheckResource, StudentResource
from selfcheck.models import AuditEvent, Bulletin, Campaign, Check


def _form_data(obj, **changes):
    data = {key: value for key, value in model_to_dict(obj).items() if value is not None}
    data.update(changes)
    return data


def test_checks_and_imports_are_view_only(client, registrar, student_a):
    client.force_login(registrar)
    check = Check.objects.get(student=student_a)
    url = reverse("admin:selfcheck_check_change", args=[check.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"status": Check.Status.CONFIRMED, "source": Check.Source.REGISTRAR})
    assert response.status_code == 403
    check.refresh_from_db()
    assert check.status == Check.Status.PENDING
    assert client.get(reverse("admin:selfcheck_rosterimport_add")).status_code == 403


def test_a_campaign_edit_is_audited_and_its_state_stays(client, registrar, campaign):
    client.force_login(registrar)
    data = _form_data(campaign, name="改名后的活动", state=Campaign.State.CLOSED)
    data["levels"] = '["bk"]'
    response = client.post(reverse("admin:selfcheck_campaign_change", args=[campaign.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    campaign.refresh_from_db()
    assert campaign.name == "改名后的活动"
    assert campaign.state == Campaign.State.OPEN
    event = AuditEvent.objects.get(action="admin.change", target_id=str(campaign.pk))
    assert event.actor == registrar
    assert event.changes["name"] == ["2026级新生学籍自查", "改名后的活动"]
    assert "state" not in event.changes


def test_a_published_bulletin_cannot_be_changed(client, registrar, campaign):
    client.force_login(registrar)
    bulletin = Bulletin.objects.create(
        campaign=campaign, sequence=1, scheduled_at=timezone.now(), state=Bulletin.State.PUBLISHED,
        snapshot={"rate": 50.0},
    )  # fmt: skip
    url = reverse("admin:selfcheck_bulletin_change", args=[bulletin.pk])
    response = client.post(url, {"title": "改过", "scheduled_at_0": "2026-01-01", "scheduled_at_1": "00:00"})
    assert response.status_code == 403
    bulletin.refresh_from_db()
    assert bulletin.title == "" and bulletin.snapshot == {"rate": 50.0}


def test_moving_a_student_in_the_admin_moves_their_checks_and_is_audited(client, registrar, student_a, college_b):
    client.force_login(registrar)
    data = _form_data(student_a, college=college_b.pk)
    response = client.post(reverse("admin:selfcheck_student_change", args=[student_a.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Check.objects.get(student=student_a).college == college_b
    event = AuditEvent.objects.get(action="admin.change", target_id=str(student_a.pk))
    assert event.changes == {"college": [student_a.college_id, college_b.pk]}


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
