"""Who is told about a step of a correction request, and what the e-mail says.

The interface queues ``selfcheck.tasks.corrections.notify_correction`` after commit;
that task calls ``correction_notice_send`` here.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _

from selfcheck.models import CorrectionRequest, Role, User

logger = logging.getLogger(__name__)


def recipients(correction: CorrectionRequest, audience: str) -> list[str]:
    if audience == "student":
        users = User.objects.filter(pk=correction.student.user_id)
    elif audience == "college":
        users = User.objects.filter(role=Role.SECRETARY, colleges=correction.student.college_id)
    elif audience == "registrar":
        users = User.objects.filter(role=Role.REGISTRAR)
    elif audience == "admissions":
        users = User.objects.filter(role=Role.ADMISSIONS)
    else:
        return []
    return sorted({email for email in users.filter(is_active=True).values_list("email", flat=True) if email})


def correction_notice_send(correction: CorrectionRequest, action: str) -> int:
    """Send the e-mail for one step; returns the number of recipients (0: nobody to tell)."""
    from selfcheck.services.corrections import STEPS

    step = STEPS.get(action)
    if step is None or not step.notify:
        return 0
    to = recipients(correction, step.notify)
    if not to:
        logger.info("correction %s %s: nobody with an e-mail address to tell", correction.pk, action)
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        last = correction.comments.order_by("-created_at", "-pk").first()
        subject = _("更正申请 #%(id)d：%(state)s") % {"id": correction.pk, "state": correction.get_state_display()}
        lines = [
            _("学生：%(no)s %(name)s（%(college)s）")
            % {
                "no": correction.student.student_no,
                "name": correction.student.name,
                "college": correction.student.college.name,
            },
            _("操作：%(action)s") % {"action": step.label},
            _("当前状态：%(state)s") % {"state": correction.get_state_display()},
        ]
        if last is not None and last.text:
            lines.append(_("意见：%(text)s") % {"text": last.text})
        lines.append(_("请登录学籍自查平台查看。"))
    send_mail(subject, "\n".join(lines), settings.DEFAULT_FROM_EMAIL, to)
    return len(to)
