"""Domain of the student-record self-check campaign.

Models hold fields, database constraints and small properties. Writes live in
``selfcheck.services``; reads scoped to a user live in ``selfcheck.selectors``.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from selfcheck import roles
from selfcheck.roles import Role


class Level(models.TextChoices):
    UNDERGRADUATE = "bk", _("本科")
    JUNIOR_COLLEGE = "zk", _("专科")
    TOP_UP = "zsb", _("专升本")
    MASTER = "ss", _("硕士研究生")
    DOCTOR = "bs", _("博士研究生")


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class IdType(models.TextChoices):
    RESIDENT = "resident", _("居民身份证")
    HK_MACAU = "hk_macau", _("港澳居民来往内地通行证")
    TAIWAN = "taiwan", _("台湾居民来往大陆通行证")
    HMT_RESIDENCE = "hmt_residence", _("港澳台居民居住证")
    HK_SAR = "hk_sar", _("香港特区护照/身份证明")
    MACAU_SAR = "macau_sar", _("澳门特区护照/身份证明")
    PASSPORT = "passport", _("护照")  # foreign students
    OTHER = "other", _("其他")


# College codes appear in URLs, file names and sheet titles: letters, digits, "_" and "-".
COLLEGE_CODE_PATTERN = r"^[A-Za-z0-9_-]{1,16}$"
college_code_validator = RegexValidator(
    COLLEGE_CODE_PATTERN,
    _("学院代码只能包含字母、数字、下划线和连字符，最多16个字符。"),
    code="invalid_college_code",
)


class College(models.Model):
    code = models.CharField(_("学院代码"), max_length=16, unique=True, validators=[college_code_validator])
    name = models.CharField(_("学院名称"), max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("学院")
        verbose_name_plural = _("学院")

    def __str__(self) -> str:
        return self.name


class CollegeAlias(models.Model):
    """Another spelling of a college's name met in exported files."""

    college = models.ForeignKey(College, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(_("别名"), max_length=64, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("学院别名")
        verbose_name_plural = _("学院别名")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who signs in: staff by username, students by 学号."""

    role = models.CharField(_("角色"), max_length=16, choices=Role.choices, default=Role.STUDENT)
    colleges = models.ManyToManyField(College, blank=True, related_name="secretaries", verbose_name=_("负责学院"))
    phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    office = models.CharField(_("办公地点"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    # Shortcuts for templates; ``selfcheck.roles`` decides.
    @property
    def is_registrar(self) -> bool:
        return roles.is_registrar(self)

    @property
    def is_student(self) -> bool:
        return roles.is_student(self)


class Student(models.Model):
    """One student's record, in the fields CHSI shows."""

    student_no = models.CharField(_("学号"), max_length=32, unique=True)
    exam_no = models.CharField(_("考生号"), max_length=32, blank=True)
    name = models.CharField(_("姓名"), max_length=64)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("出生日期"))
    ethnicity = models.CharField(_("民族"), max_length=32, blank=True)
    id_type = models.CharField(_("证件类型"), max_length=16, choices=IdType.choices, default=IdType.RESIDENT)
    id_number = models.CharField(_("证件号码"), max_length=32, unique=True)
    college = models.ForeignKey(College, on_delete=models.PROTECT, related_name="students", verbose_name=_("学院"))
    major = models.CharField(_("专业"), max_length=64)
    major_code = models.CharField(_("专业代码"), max_length=16, blank=True)
    class_name = models.CharField(_("班级"), max_length=64, blank=True)
    level = models.CharField(_("层次"), max_length=8, choices=Level.choices, default=Level.UNDERGRADUATE)
    duration = models.DecimalField(
        _("学制"),
        max_digits=3,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("9"))],
    )
    study_mode = models.CharField(_("学习形式"), max_length=16, default="普通全日制")
    education_type = models.CharField(_("学历类别"), max_length=16, default="普通高等教育")
    enrolled_on = models.DateField(_("入学日期"))
    expected_graduation = models.DateField(_("预计毕业日期"), null=True, blank=True)
    status = models.CharField(_("学籍状态"), max_length=16, default="注册学籍")
    phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    cohort = models.PositiveSmallIntegerField(_("年级"), db_index=True)
    # Fingerprint of the roster row this record was last written from, valid while
    # updated_at still equals roster_stamp (any later save moves updated_at); see
    # selfcheck.services.roster.fingerprint.
    roster_digest = models.CharField(max_length=32, blank=True, default="", editable=False)
    roster_stamp = models.DateTimeField(null=True, blank=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="student",
        verbose_name=_("账号"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["student_no"]
        verbose_name = _("学生")
        verbose_name_plural = _("学生")
        indexes = [
            models.Index(fields=["college", "major", "class_name"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(gender__in=["M", "F"]), name="student_gender_valid"),
            models.CheckConstraint(condition=Q(duration__gt=0), name="student_duration_positive"),
            models.CheckConstraint(condition=~Q(student_no=""), name="student_no_not_empty"),
            models.CheckConstraint(condition=~Q(id_number=""), name="student_id_number_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.student_no} {self.name}"

    @property
    def masked_id_number(self) -> str:
        from selfcheck.masking import mask_id_number

        return mask_id_number(self.id_number)


class CampaignState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    OPEN = "open", _("进行中")
    CLOSED = "closed", _("已结束")


class Campaign(models.Model):
    class Kind(models.TextChoices):
        FRESHMAN = "freshman", _("新生学籍自查")
        PRE_GRADUATION = "pregrad", _("毕业前学籍核查")

    State = CampaignState

    slug = models.SlugField(_("标识"), max_length=48, unique=True)
    name = models.CharField(_("名称"), max_length=128)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices, default=Kind.FRESHMAN)
    cohort = models.PositiveSmallIntegerField(_("年级"))
    levels = models.JSONField(_("层次"), default=list, help_text=_("参与的层次代码列表"))
    opens_on = models.DateField(_("开始日期"))
    closes_on = models.DateField(_("截止日期"))
    target_rate = models.DecimalField(
        _("目标完成率(%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("100"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    state = models.CharField(_("状态"), max_length=8, choices=State.choices, default=State.DRAFT)
    instructions = models.TextField(_("核对说明"), blank=True)
    login_help = models.TextField(_("无法登录常见问题"), blank=True)
    # Shown to students on their home page and wherever they might be stuck.
    office_contact = models.CharField(
        _("学籍科联系方式"), max_length=200, blank=True, help_text=_("例如：学籍科 行政楼 203 室，电话 0571-8800 1234")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_on", "slug"]
        verbose_name = _("核查活动")
        verbose_name_plural = _("核查活动")
        constraints = [
            models.CheckConstraint(condition=Q(closes_on__gte=models.F("opens_on")), name="campaign_window_ordered"),
            models.CheckConstraint(
                condition=Q(target_rate__gte=0) & Q(target_rate__lte=100), name="campaign_target_rate_range"
            ),
            models.CheckConstraint(condition=Q(state__in=CampaignState.values), name="campaign_state_valid"),
        ]

    def __str__(self) -> str:
        return self.name

    def is_within_window(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.state == self.State.OPEN and self.opens_on <= today <= self.closes_on


class CheckStatus(models.TextChoices):
    PENDING = "pending", _("未核对")
    CONFIRMED = "confirmed", _("核对无误")
    DISCREPANCY = "discrepancy", _("信息有误")
    BLOCKED = "blocked", _("无法登录")
    MISSING = "missing", _("查无学籍")


class Check(models.Model):
    """Whether one student has checked their record in one campaign."""

    Status = CheckStatus

    class Source(models.TextChoices):
        SYSTEM = "system", _("系统")
        STUDENT = "student", _("学生本人")
        SECRETARY = "secretary", _("教学秘书")
        REGISTRAR = "registrar", _("学籍科")
        CHSI_LIST = "chsi_list", _("学信网名单导入")

    class BlockedReason(models.TextChoices):
        PHONE_TAKEN = "phone_taken", _("手机号已被注册")
        ID_BOUND = "id_bound", _("证件号码重复或已绑定")
        NOT_LINKED = "not_linked", _("学籍未关联")
        OTHER = "other", _("其他")

    # A student has done the job once they looked at the record, whatever they found.
    DONE = (Status.CONFIRMED, Status.DISCREPANCY)

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="checks")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="checks")
    # A copy of student.college: dashboards count per college over 100,000 checks
    # without joining every check to its student. Kept in step by the services that
    # create checks or move students (``selfcheck.services.students``).
    college = models.ForeignKey(College, on_delete=models.PROTECT, related_name="checks", verbose_name=_("学院"))
    status = models.CharField(_("核对状态"), max_length=16, choices=Status.choices, default=Status.PENDING)
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices, default=Source.SYSTEM)
    blocked_reason = models.CharField(_("无法登录原因"), max_length=16, choices=BlockedReason.choices, blank=True)
    detail = models.JSONField(_("核对详情"), default=dict, blank=True)
    # Why staff last set the status on the student's behalf; what the student
    # reported lives in ``detail``.
    staff_reason = models.TextField(_("代为设置的原因"), blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    set_at = models.DateTimeField(_("更新时间"), null=True, blank=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("核对记录")
        verbose_name_plural = _("核对记录")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "student"], name="check_unique_per_campaign_student"),
            models.CheckConstraint(
                condition=Q(status__in=CheckStatus.values),
                name="check_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["campaign", "status"]),
            models.Index(fields=["campaign", "college", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.student_id}: {self.status}"

    @property
    def is_done(self) -> bool:
        return self.status in self.DONE


class CheckCount(models.Model):
    """How many checks of a campaign are in one (college, major, class, status, day of
    completion): what the dashboards count, without reading every check.

    Kept by ``selfcheck.counters``: ``check_set_status`` moves one check in its own
    transaction; writers of many checks or students rebuild the campaign's counts in
    theirs. Rows of one key may repeat (two first changes at once): readers sum ``n``.
    ``campaign_status SLUG --verify`` recounts from the checks and reports any drift.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    college = models.ForeignKey(College, on_delete=models.CASCADE, related_name="+")
    major = models.CharField(max_length=64, blank=True)
    class_name = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=16)
    day = models.DateField(null=True, blank=True)  # local day of completion, done statuses only
    n = models.IntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["campaign", "college"])]


def private_storage():
    """Where evidence files live: a folder no URL maps to (see ``selfcheck.storage``)."""
    from selfcheck.storage import PrivateStorage

    return PrivateStorage()


class CorrectionState(models.TextChoices):
    SUBMITTED = "submitted", _("已提交")
    RETURNED = "returned", _("退回修改")
    COLLEGE_REVIEWED = "college_reviewed", _("学院已审核")
    FORWARDED = "forwarded", _("已转招生办")
    ANSWERED = "answered", _("招生办已答复")
    APPROVED = "approved", _("已批准")
    AWAITING_PROVINCE = "awaiting_province", _("待省级审批")
    APPLIED = "applied", _("已更正")
    REJECTED = "rejected", _("已驳回")
    WITHDRAWN = "withdrawn", _("已撤回")


class CorrectionRequest(models.Model):
    """A student's request that the school or CHSI correct their record.

    The workflow (who may move it from which state to which) is the table in
    ``selfcheck.services.corrections``.
    """

    class Cause(models.TextChoices):
        ADMISSION_MISMATCH = "admission_mismatch", _("录取信息与户籍信息不符")
        HOUSEHOLD_CHANGED = "household_changed", _("录取后户籍信息变更")
        SCHOOL_ERROR = "school_error", _("学校录入错误")
        OTHER = "other", _("其他")

    State = CorrectionState

    class Answer(models.TextChoices):
        CONFIRMED = "confirmed", _("情况属实")
        NOT_CONFIRMED = "not_confirmed", _("情况不属实")

    CLOSED_STATES = ("applied", "rejected", "withdrawn")

    # Fields whose change needs the provincial education department's approval.
    PROVINCE_APPROVAL_FIELDS = frozenset(
        {"name", "gender", "birth_date", "id_number", "major", "level", "study_mode", "duration"}
    )
    # Fields whose change needs an ID card or household-register scan.
    IDENTITY_FIELDS = frozenset({"name", "gender", "birth_date", "id_number"})

    check_record = models.ForeignKey(
        Check, on_delete=models.SET_NULL, null=True, blank=True, related_name="corrections"
    )
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("核查活动"),
    )
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="corrections")
    cause = models.CharField(_("原因"), max_length=24, choices=Cause.choices)
    state = models.CharField(_("状态"), max_length=20, choices=State.choices, default=State.SUBMITTED)
    needs_province_approval = models.BooleanField(_("需省级审批"), default=False)
    explanation = models.TextField(_("情况说明"), blank=True)
    # The record's correctable fields as they were when the student filed (or last
    # resubmitted): applying is refused if the record has changed since.
    record_snapshot = models.JSONField(_("提交时的学籍信息"), default=dict, blank=True)
    forwarded_at = models.DateTimeField(_("转招生办时间"), null=True, blank=True)
    admissions_answer = models.CharField(_("招生办意见"), max_length=16, choices=Answer.choices, blank=True)
    admissions_note = models.TextField(_("招生办说明"), blank=True)
    province_reference = models.CharField(_("审批文号"), max_length=64, blank=True)
    decision_reason = models.TextField(_("审批意见"), blank=True)
    applied_at = models.DateTimeField(_("更正时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("更正申请")
        verbose_name_plural = _("更正申请")
        indexes = [models.Index(fields=["state"]), models.Index(fields=["campaign", "state"])]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "student"],
                condition=~Q(state__in=["applied", "rejected", "withdrawn"]),
                name="correction_one_open_per_student_campaign",
            ),
            models.CheckConstraint(
                condition=Q(state__in=CorrectionState.values),
                name="correction_state_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.student}"

    @property
    def is_open(self) -> bool:
        return self.state not in self.CLOSED_STATES


class CorrectionItem(models.Model):
    request = models.ForeignKey(CorrectionRequest, on_delete=models.CASCADE, related_name="items")
    field = models.CharField(_("字段"), max_length=32)
    current_value = models.CharField(_("当前值"), max_length=128, blank=True)
    requested_value = models.CharField(_("更正为"), max_length=128)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("更正项")
        verbose_name_plural = _("更正项")
        constraints = [models.UniqueConstraint(fields=["request", "field"], name="correction_item_unique_field")]


class CorrectionEvidence(models.Model):
    class Kind(models.TextChoices):
        ID_CARD = "id_card", _("身份证")
        HOUSEHOLD = "household", _("户口簿")
        ADMISSION = "admission", _("录取材料")
        OTHER = "other", _("其他材料")

    request = models.ForeignKey(CorrectionRequest, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("材料类型"), max_length=16, choices=Kind.choices, default=Kind.OTHER)
    # Stored under a random name in a folder outside MEDIA_URL and static; served only
    # through the permission-checked download view.
    file = models.FileField(_("文件"), upload_to="evidence/%Y/%m/", storage=private_storage, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=255)
    content_type = models.CharField(_("文件类型"), max_length=64, default="application/octet-stream")
    size = models.PositiveIntegerField(_("大小"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # Set by ``purge_uploads`` when the retention period is over; the row stays.
    file_purged_at = models.DateTimeField(_("文件已按保留期限删除"), null=True, blank=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("证明材料")
        verbose_name_plural = _("证明材料")


class CorrectionComment(models.Model):
    request = models.ForeignKey(CorrectionRequest, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=24, blank=True)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    text = models.TextField(_("意见"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("审核意见")
        verbose_name_plural = _("审核意见")


class StudentChange(models.Model):
    """One field of a student's record changed: by an applied correction or a roster import."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="changes")
    field = models.CharField(_("字段"), max_length=32)
    old_value = models.CharField(_("原值"), max_length=128, blank=True)
    new_value = models.CharField(_("新值"), max_length=128, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    correction = models.ForeignKey(
        CorrectionRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="changes"
    )
    roster_import = models.ForeignKey(
        "RosterImport", on_delete=models.SET_NULL, null=True, blank=True, related_name="changes"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("学籍变更记录")
        verbose_name_plural = _("学籍变更记录")
        indexes = [models.Index(fields=["student", "changed_at"])]


class RosterImportState(models.TextChoices):
    UPLOADED = "uploaded", _("已上传")
    VALIDATING = "validating", _("校验中")
    VALIDATED = "validated", _("待确认")
    COMMITTING = "committing", _("导入中")
    COMMITTED = "committed", _("已导入")
    FAILED = "failed", _("失败")


class RosterImport(models.Model):
    """One uploaded file, from upload through validation to commit."""

    class Kind(models.TextChoices):
        ROSTER = "roster", _("学生名册")
        CHECKLIST = "checklist", _("学信网核对名单")

    State = RosterImportState

    campaign = models.ForeignKey(Campaign, on_delete=models.SET_NULL, null=True, blank=True, related_name="imports")
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices, default=Kind.ROSTER)
    file = models.FileField(_("文件"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("原文件名"), max_length=255)
    size = models.PositiveBigIntegerField(_("大小"), default=0)
    encoding = models.CharField(_("编码"), max_length=32, blank=True)
    encoding_override = models.CharField(_("指定编码"), max_length=32, blank=True)
    header_row = models.PositiveIntegerField(_("表头行"), null=True, blank=True)
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.UPLOADED)
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    total_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(_("新增"), default=0)
    updated_count = models.PositiveIntegerField(_("更新"), default=0)
    unchanged_count = models.PositiveIntegerField(_("未变化"), default=0)
    invalid_count = models.PositiveIntegerField(_("无效"), default=0)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    warnings = models.JSONField(_("警告"), default=list, blank=True)
    preview = models.JSONField(_("预览"), default=dict, blank=True)
    message = models.TextField(_("说明"), blank=True)
    valid_only = models.BooleanField(_("仅导入有效行"), default=False)
    sheet = models.CharField(_("工作表"), max_length=128, blank=True)
    sheet_override = models.CharField(_("指定工作表"), max_length=128, blank=True)
    # Rows outside the campaign's cohort and levels get no Check unless staff include them.
    include_outside = models.BooleanField(_("包含活动范围外的学生"), default=False)
    # 学号 whose identity change (another person under the same 学号) staff accepted one by one.
    accepted_identities = models.JSONField(_("已确认的身份变更"), default=list, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    committed_at = models.DateTimeField(null=True, blank=True)
    # Set by ``purge_uploads`` when the retention period is over; the row stays.
    file_purged_at = models.DateTimeField(_("文件已按保留期限删除"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("名册导入")
        verbose_name_plural = _("名册导入")
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="roster_import_progress_range"),
            models.CheckConstraint(condition=Q(state__in=RosterImportState.values), name="roster_import_state_valid"),
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def committed(self) -> bool:
        return self.state == self.State.COMMITTED


class BulletinState(models.TextChoices):
    SCHEDULED = "scheduled", _("待发布")
    GENERATING = "generating", _("生成中")
    PUBLISHED = "published", _("已发布")
    FAILED = "failed", _("失败")


class Bulletin(models.Model):
    """A dated progress bulletin: scheduled by staff, generated once, then frozen."""

    State = BulletinState

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="bulletins")
    sequence = models.PositiveSmallIntegerField(_("期数"))
    title = models.CharField(_("标题"), max_length=128, blank=True)
    scheduled_at = models.DateTimeField(_("计划发布时间"))
    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.SCHEDULED)
    claimed_at = models.DateTimeField(null=True, blank=True)
    generated_at = models.DateTimeField(_("生成时间"), null=True, blank=True)
    snapshot = models.JSONField(_("数据快照"), default=dict, blank=True)
    spreadsheet = models.FileField(_("通报表格"), upload_to="bulletins/", blank=True)
    document = models.FileField(_("通报文档"), upload_to="bulletins/", blank=True)
    mailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    class Meta:
        ordering = ["campaign_id", "sequence"]
        verbose_name = _("进度通报")
        verbose_name_plural = _("进度通报")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "sequence"], name="bulletin_unique_sequence"),
            models.CheckConstraint(condition=Q(state__in=BulletinState.values), name="bulletin_state_valid"),
        ]
        indexes = [models.Index(fields=["state", "scheduled_at"])]

    def __str__(self) -> str:
        return f"{self.campaign} #{self.sequence}"


class AuditEvent(models.Model):
    """Who did what to which object, with old and new values."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("操作"), max_length=64)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_repr = models.CharField(max_length=255, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target_repr}"


class ResetCode(models.Model):
    """A one-time code staff hand to a student who forgot the password.

    Only a keyed hash of the code is stored; the code itself is shown once to the
    staff member who issued it. It expires and can be redeemed once.
    """

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="reset_codes")
    code_hash = models.CharField(max_length=128)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("密码重置码")
        verbose_name_plural = _("密码重置码")
        indexes = [models.Index(fields=["student", "used_at"])]

    def __str__(self) -> str:
        return f"{self.student_id} {self.created_at:%Y-%m-%d %H:%M}"


class SignInSession(models.Model):
    """The session keys a user signed in with, so a password change can end them all."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(default=timezone.now)


class AttemptCounter(models.Model):
    """Failed attempts per identity (学号, user name or client address) in a time window.

    Kept in the database so every web process counts on the same row; the row is
    updated with conditional UPDATEs, so parallel requests cannot overshoot.
    """

    key = models.CharField(max_length=191, unique=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("失败次数")
        verbose_name_plural = _("失败次数")

    def __str__(self) -> str:
        return f"{self.key} {self.count}"


class CollegePush(models.Model):
    """A college's daily summary posted to its staff group's robot (企业微信 or 钉钉)."""

    class State(models.TextChoices):
        IDLE = "idle", _("等待")
        SENDING = "sending", _("发送中")

    college = models.OneToOneField(College, on_delete=models.CASCADE, related_name="push", verbose_name=_("学院"))
    webhook_url = models.URLField(_("群机器人 Webhook 地址"), max_length=500)
    send_at = models.TimeField(_("每日推送时间"))
    enabled = models.BooleanField(_("启用"), default=True)
    state = models.CharField(max_length=8, choices=State.choices, default=State.IDLE)
    next_run_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)  # failed tries of the current push
    last_success_at = models.DateTimeField(_("上次成功"), null=True, blank=True)
    last_error = models.CharField(_("最近的错误"), max_length=300, blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("学院群推送")
        verbose_name_plural = _("学院群推送")
        indexes = [models.Index(fields=["enabled", "state", "next_run_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=["idle", "sending"]), name="college_push_state_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.college} @ {self.send_at:%H:%M}"
