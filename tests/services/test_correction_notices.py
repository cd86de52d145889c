"""E-mail about correction steps: queued after commit, sent to the next party only."""

from __future__ import annotations

from django.core import mail
from django.urls import reverse

from selfcheck.models import Check, CorrectionRequest
from selfcheck.services.correction_notices import correction_notice_send
from tests.factories import file_correction


def test_each_step_mails_the_next_party_after_commit(
    client, settings, student_a, secretary_a, secretary_b, registrar, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    for user, email in ((student_a.user, "stu@example.edu"), (secretary_a, "a@example.edu"),
                        (secretary_b, "b@example.edu"), (registrar, "reg@example.edu")):  # fmt: skip
        user.email = email
        user.save(update_fields=["email"])
    client.force_login(student_a.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("student_correction", args=["fall"]),
            {"wrong_ethnicity": "on", "correct_ethnicity": "回族", "cause": "school_error"},
        )
    assert [m.to for m in mail.outbox] == [["a@example.edu"]]  # the student's college, not college B
    correction = CorrectionRequest.objects.get()
    client.force_login(secretary_a)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post(reverse("correction_step", args=[correction.pk, "return"]), {"text": "请补充户口簿"})
    assert len(callbacks) >= 1
    assert mail.outbox[-1].to == ["stu@example.edu"]
    assert "请补充户口簿" in mail.outbox[-1].body and f"#{correction.pk}" in mail.outbox[-1].subject


def test_nobody_to_tell_sends_nothing(student_a, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    correction = file_correction(Check.objects.select_related("campaign", "student").get(student=student_a))
    assert correction_notice_send(correction, "file") == 0
    assert correction_notice_send(correction, "no-such-step") == 0
    assert mail.outbox == []
