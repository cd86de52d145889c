"""Campaigns: created and edited by the registrar, opened and closed, with a bulletin schedule.

Opening a campaign gives every student it covers (the cohort, in one of its levels)
a pending check; checks are never deleted here, so an edit that narrows the
campaign leaves the answers already given in place. A bulletin that is being
generated or is published is never changed or removed.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from selfcheck import counters, stats
from selfcheck.models import Campaign, Check, Level, Student, User
from selfcheck.selectors.campaigns import open_overlaps
from selfcheck.services.audit import audit_record
from selfcheck.services.bulletin_schedule import BulletinRow, CampaignError, bulletin_schedule_apply

DEFAULT_INSTRUCTIONS = (
    "1. 登录学信网（学籍学历信息管理平台 my.chsi.com.cn），进入“学信档案”—“高等教育信息”—“学籍”。\n"
    "2. 逐项核对姓名、性别、出生日期、证件号码、学院、专业、层次、学制、入学日期等信息，"
    "并与本页显示的学校登记信息对照。\n"
    "3. 全部一致请点击“核对无误”；有不一致之处请点击“信息有误”并写明正确信息；"
    "无法登录学信网或查不到学籍请点击“无法登录 / 查不到学籍”。"
)
DEFAULT_LOGIN_HELP = (
    "手机号已被注册：在学信网使用“找回用户名”找回原账号，或更换手机号注册；仍无法解决请联系学信网客服。\n"
    "证件号码重复或已被绑定：通过“找回用户名”找回原账号，或携带身份证到学籍科协助申诉。\n"
    "学籍未关联：登录后在“学信档案”—“高等教育信息”中手动绑定学籍；仍查不到请联系所在学院教学秘书。"
)

# Fields a registrar edits; slug is fixed once created because it is in every link.
EDITABLE_FIELDS = (
    "name", "kind", "cohort", "levels", "opens_on", "closes_on", "target_rate", "instructions", "login_help",
    "office_contact",
)  # fmt: skip


# Bulletins in these states are frozen: being generated, or out.
def _plain(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if value is None or isinstance(value, (int, float, bool, str)):
        return value
    return str(value)


def _validate(campaign: Campaign) -> None:
    levels = campaign.levels or []
    if not isinstance(levels, list) or any(level not in Level.values for level in levels):
        raise CampaignError(_("层次无效。"))
    if campaign.opens_on and campaign.closes_on and campaign.closes_on < campaign.opens_on:
        raise CampaignError(_("截止日期不能早于开始日期。"))
    try:
        campaign.full_clean(exclude=["created_by"])
    except ValidationError as exc:
        messages = [m for values in exc.message_dict.values() for m in values]
        raise CampaignError(pgettext("list separator", "；").join(messages)) from None


def eligible_students(campaign: Campaign):
    students = Student.objects.filter(cohort=campaign.cohort)
    if campaign.levels:
        students = students.filter(level__in=campaign.levels)
    return students


def campaign_sync_checks(campaign: Campaign) -> int:
    """Give each student the campaign covers a pending check; returns how many were added.

    Side effects: after commit, the campaign's cached dashboard numbers are dropped.
    """
    checks = Check.objects.filter(campaign=campaign)
    before = checks.count()
    # Read the ids first: SQLite must not insert into a table it is still reading.
    missing = list(eligible_students(campaign).exclude(checks__campaign=campaign).values_list("pk", "college_id"))
    Check.objects.bulk_create(
        (Check(campaign=campaign, student_id=student_id, college_id=college_id) for student_id, college_id in missing),
        batch_size=5000,
        ignore_conflicts=True,
    )
    counters.counts_rebuild([campaign.pk])
    transaction.on_commit(lambda: stats.invalidate(campaign.pk))
    return checks.count() - before


@transaction.atomic
def campaign_create(
    *,
    by: User,
    slug: str,
    fields: dict[str, Any],
    bulletins: list[BulletinRow] = (),
    request: HttpRequest | None = None,
) -> Campaign:
    """Create a draft campaign with its bulletin schedule.

    Side effects: bulletins created; one audit event ``campaign.create``.
    """
    if Campaign.objects.filter(slug=slug).exists():
        raise CampaignError(_("该标识已被其他活动使用。"))
    campaign = Campaign(slug=slug, created_by=by, state=Campaign.State.DRAFT)
    for name in EDITABLE_FIELDS:
        if name in fields:
            setattr(campaign, name, fields[name])
    campaign.instructions = campaign.instructions or DEFAULT_INSTRUCTIONS
    campaign.login_help = campaign.login_help or DEFAULT_LOGIN_HELP
    _validate(campaign)
    campaign.save()
    schedule = bulletin_schedule_apply(campaign, list(bulletins), now=timezone.now())
    audit_record(
        actor=by,
        action="campaign.create",
        target=campaign,
        changes={name: [None, _plain(getattr(campaign, name))] for name in EDITABLE_FIELDS}
        | ({"bulletins": [None, schedule]} if schedule else {}),
        request=request,
    )
    return campaign


@transaction.atomic
def campaign_update(
    campaign: Campaign,
    *,
    by: User,
    fields: dict[str, Any],
    bulletins: list[BulletinRow] | None = None,
    request: HttpRequest | None = None,
) -> Campaign:
    """Change a campaign's settings and, when given, its unpublished bulletins.

    Side effects: bulletins added, rescheduled or removed (never a published one);
    when the campaign is open, pending checks for students it now covers; one
    audit event ``campaign.update``.
    """
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    before = {name: _plain(getattr(locked, name)) for name in EDITABLE_FIELDS}
    for name in EDITABLE_FIELDS:
        if name in fields:
            setattr(locked, name, fields[name])
    _validate(locked)
    locked.save(update_fields=list(EDITABLE_FIELDS))
    changes = {
        name: [before[name], _plain(getattr(locked, name))]
        for name in EDITABLE_FIELDS
        if before[name] != _plain(getattr(locked, name))
    }
    if bulletins is not None:
        schedule = bulletin_schedule_apply(locked, list(bulletins), now=timezone.now())
        if schedule:
            changes["bulletins"] = [None, schedule]
    if locked.state == Campaign.State.OPEN:
        added = campaign_sync_checks(locked)
        if added:
            changes["checks_added"] = [0, added]
    audit_record(actor=by, action="campaign.update", target=locked, changes=changes, request=request)
    return locked


class CampaignOverlap(CampaignError):
    """Another campaign of the same cohort and kind is open; opening needs confirmation."""


@transaction.atomic
def campaign_open(
    campaign: Campaign, *, by: User, request: HttpRequest | None = None, allow_overlap: bool = False
) -> Campaign:
    """Open a draft or closed campaign to students.

    Side effects: pending checks for every student the campaign covers; one audit
    event ``campaign.open``. A campaign whose closing date has passed is refused; so is
    a second open campaign of the same cohort and kind unless ``allow_overlap`` (the
    registrar confirmed it: students would otherwise see two cards for one job).
    """
    today = timezone.localdate()
    if campaign.closes_on < today:
        raise CampaignError(
            _("截止日期（%(date)s）已过，请先修改截止日期再开放。") % {"date": f"{campaign.closes_on:%Y-%m-%d}"}
        )
    old = campaign.state
    if old == Campaign.State.OPEN:
        raise CampaignError(_("该活动已在进行中。"))
    overlaps = list(open_overlaps(campaign).values_list("name", flat=True))
    if overlaps and not allow_overlap:
        raise CampaignOverlap(
            _("同一年级、同一类型的活动“%(names)s”正在进行，确认要同时开放吗？") % {"names": _("、").join(overlaps)}
        )
    if Campaign.objects.filter(pk=campaign.pk, state=old).update(state=Campaign.State.OPEN) != 1:
        raise CampaignError(_("活动状态已被他人修改，请刷新页面后重试。"))
    campaign.state = Campaign.State.OPEN
    added = campaign_sync_checks(campaign)
    audit_record(
        actor=by,
        action="campaign.open",
        target=campaign,
        changes={"state": [old, Campaign.State.OPEN], "checks_added": [0, added]},
        request=request,
    )
    return campaign


@transaction.atomic
def campaign_close(campaign: Campaign, *, by: User, request: HttpRequest | None = None) -> Campaign:
    """Close an open campaign: students can no longer change their checks.

    Side effects: one audit event ``campaign.close``. Scheduled bulletins stay scheduled.
    """
    if Campaign.objects.filter(pk=campaign.pk, state=Campaign.State.OPEN).update(state=Campaign.State.CLOSED) != 1:
        raise CampaignError(_("只有进行中的活动可以结束。"))
    old = campaign.state
    campaign.state = Campaign.State.CLOSED
    audit_record(
        actor=by, action="campaign.close", target=campaign, changes={"state": [old, Campaign.State.CLOSED]},
        request=request,
    )  # fmt: skip
    return campaign
