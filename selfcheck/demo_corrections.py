"""Demo correction requests: at least one in every state, each with a small evidence image.

They are driven through the same services staff and students use, so the demo shows
comments, audit events and applied changes exactly as the real workflow leaves them.
"""

from __future__ import annotations

import io

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

from selfcheck.models import Campaign, Check, CorrectionRequest, Role, User
from selfcheck.services import correction_filing as filing
from selfcheck.services import corrections as service
from selfcheck.services import evidence

S = CorrectionRequest.State
# (final state, cause, field -> new value (None: a derived value), the steps after filing)
PLANS = (
    (S.SUBMITTED, "school_error", {"ethnicity": "回族"}, ()),
    (S.RETURNED, "household_changed", {"ethnicity": "满族"}, (("return", "secretary", "请补充户口簿首页和本人页照片。"),)),
    (S.COLLEGE_REVIEWED, "school_error", {"exam_no": None}, (("review", "secretary", "已核对录取名册。"),)),
    (S.FORWARDED, "admission_mismatch", {"name": None}, (("review", "secretary", ""), ("forward", "registrar", "请核实录取数据。"))),
    (S.ANSWERED, "admission_mismatch", {"name": None},
     (("review", "secretary", ""), ("forward", "registrar", ""), ("answer", "admissions", "录取库与户籍一致，为录取时录入错误。"))),
    (S.APPROVED, "school_error", {"ethnicity": "壮族"}, (("review", "secretary", ""), ("approve", "registrar", "同意更正。"))),
    (S.AWAITING_PROVINCE, "household_changed", {"name": None},
     (("review", "secretary", ""), ("approve", "registrar", ""), ("submit_province", "registrar", "已报省教育厅。"))),
    (S.APPLIED, "school_error", {"ethnicity": "苗族"},
     (("review", "secretary", ""), ("approve", "registrar", ""), ("apply", "registrar", ""))),
    (S.APPLIED, "household_changed", {"name": None},
     (("review", "secretary", ""), ("approve", "registrar", ""), ("submit_province", "registrar", ""), ("apply", "registrar", ""))),
    (S.REJECTED, "other", {"ethnicity": "土家族"}, (("review", "secretary", ""), ("reject", "registrar", "未提供证明材料，请重新申请。"))),
    (S.WITHDRAWN, "school_error", {"ethnicity": "彝族"}, (("withdraw", "student", "我看错了。"),)),
)  # fmt: skip


def evidence_png(label: str, color=(11, 79, 138)) -> bytes:
    """A small picture standing in for a scan: a card with a stripe and a label."""
    image = Image.new("RGB", (160, 100), (245, 247, 250))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 159, 22), fill=color)
    draw.rectangle((10, 34, 50, 84), outline=color, width=2)
    draw.text((60, 40), label, fill=(31, 41, 51))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _value(student, field, new):
    if new is not None:
        return new
    if field == "exam_no":
        return f"{student.cohort % 100:02d}110101{student.pk:06d}"
    if field == "name":
        return student.name[:-1] + ("玥" if student.name[-1] != "玥" else "玮")
    raise ValueError(field)


def seed_corrections(campaign: Campaign) -> int:
    """File and move demo requests into every state; returns how many were made."""
    registrar = User.objects.get(username="registrar")
    admissions = User.objects.filter(role=Role.ADMISSIONS).first()
    checks = (
        Check.objects.filter(campaign=campaign, student__user__isnull=False, status=Check.Status.PENDING)
        .select_related("student", "student__user", "student__college", "campaign")
        .order_by("student__student_no")
    )
    made = 0
    pending = list(checks[: len(PLANS) * 7])
    step = max(1, min(7, len(pending) // len(PLANS)))  # spread over colleges when there are enough
    for (state, cause, fields, steps), check in zip(PLANS, pending[::step], strict=False):
        student = check.student
        secretary = User.objects.filter(role=Role.SECRETARY, colleges=student.college_id).first()
        people = {"registrar": registrar, "admissions": admissions, "secretary": secretary, "student": student.user}
        changes = {field: _value(student, field, new) for field, new in fields.items()}
        kind = "id_card" if "name" in changes else "household" if cause == "household_changed" else "other"
        scan = evidence.inspect(ContentFile(evidence_png(f"{student.student_no}"), name="证明材料.png"))
        correction = filing.correction_file(
            check, by=student.user, cause=cause, explanation="学信网上的信息与本人证件不一致。",
            changes=changes, files=[scan], evidence_kind=kind,
        )  # fmt: skip
        for action, who, text in steps:
            kwargs = {"by": people[who], "text": text}
            if action == "answer":
                kwargs["answer"] = "confirmed"
            if action == "apply" and correction.state == S.AWAITING_PROVINCE:
                kwargs["reference"] = f"省教学籍〔{campaign.cohort}〕{correction.pk}号"
            correction = getattr(service, f"correction_{action}")(correction, **kwargs)
        assert correction.state == state, (correction.state, state)
        made += 1
    return made
