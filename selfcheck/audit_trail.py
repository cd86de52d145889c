"""The audit trail as registrar staff read it: who did what to which object, in words.

``selfcheck.selectors.audit`` scopes and filters the events; ``event_rows`` lays them out with actions named in Chinese (English when chosen) and
changes as old -> new with every ID number masked.
"""

from __future__ import annotations

import json

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from selfcheck.masking import mask_personal
from selfcheck.models import AuditEvent, Check, Student, User

ACTION_LABELS = {
    "check.set_status": gettext_lazy("设置核对状态"),
    "campaign.create": gettext_lazy("新建核查活动"),
    "campaign.update": gettext_lazy("修改核查活动"),
    "campaign.open": gettext_lazy("开始核查活动"),
    "campaign.close": gettext_lazy("结束核查活动"),
    "college.create": gettext_lazy("新建学院"),
    "college.alias_add": gettext_lazy("添加学院别名"),
    "roster_import.upload": gettext_lazy("上传名册文件"),
    "roster_import.revalidate": gettext_lazy("重新校验名册"),
    "roster_import.confirm": gettext_lazy("确认导入名册"),
    "roster_import.commit": gettext_lazy("名册导入完成"),
    "checklist_import.commit": gettext_lazy("核对名单导入完成"),
    "roster_import.purge_file": gettext_lazy("删除过期名册文件"),
    "evidence.purge_file": gettext_lazy("删除过期证明材料"),
    "bulletin.publish": gettext_lazy("发布进度通报"),
    "bulletin.fail": gettext_lazy("进度通报生成失败"),
    "student.activate": gettext_lazy("学生激活账号"),
    "student.reveal_id": gettext_lazy("查看完整证件号码"),
    "student.reset_code_issue": gettext_lazy("发放密码重置码"),
    "student.password_reset": gettext_lazy("学生用重置码设置新密码"),
    "user.password_change": gettext_lazy("修改密码"),
    "signin.unlock": gettext_lazy("解除登录锁定"),
    "student.correct": gettext_lazy("按更正申请修改学籍"),
    "corrections.export": gettext_lazy("导出学信网变更名单"),
}
# For actions added later without a label above: "<object>: <verb>" in words.
ENTITY_LABELS = {
    "check": gettext_lazy("核对记录"),
    "campaign": gettext_lazy("核查活动"),
    "college": gettext_lazy("学院"),
    "roster_import": gettext_lazy("名册导入"),
    "checklist_import": gettext_lazy("核对名单导入"),
    "bulletin": gettext_lazy("进度通报"),
    "student": gettext_lazy("学生"),
    "user": gettext_lazy("用户"),
    "account": gettext_lazy("账号"),
    "correction": gettext_lazy("更正申请"),
    "evidence": gettext_lazy("证明材料"),
}
VERB_LABELS = {
    "create": gettext_lazy("新建"),
    "update": gettext_lazy("修改"),
    "delete": gettext_lazy("删除"),
    "open": gettext_lazy("开始"),
    "close": gettext_lazy("结束"),
    "submit": gettext_lazy("提交"),
    "file": gettext_lazy("提交"),
    "review": gettext_lazy("学院审核"),
    "answer": gettext_lazy("招生办答复"),
    "submit_province": gettext_lazy("报省级审批"),
    "approve": gettext_lazy("批准"),
    "reject": gettext_lazy("驳回"),
    "return": gettext_lazy("退回"),
    "forward": gettext_lazy("转交"),
    "apply": gettext_lazy("执行"),
    "withdraw": gettext_lazy("撤回"),
    "unlock": gettext_lazy("解除锁定"),
    "password_change": gettext_lazy("修改密码"),
    "password_reset": gettext_lazy("重置密码"),
}
CHANGE_LABELS = {
    "status": gettext_lazy("状态"),
    "state": gettext_lazy("状态"),
    "source": gettext_lazy("来源"),
    "blocked_reason": gettext_lazy("无法登录原因"),
    "reason": gettext_lazy("原因"),
    "detail": gettext_lazy("学生反馈"),
    "name": gettext_lazy("名称"),
    "file": gettext_lazy("文件"),
    "kind": gettext_lazy("类型"),
    "alias": gettext_lazy("别名"),
    "rate": gettext_lazy("完成率"),
    "error": gettext_lazy("错误"),
    "id_number": gettext_lazy("证件号码"),
    "encoding_override": gettext_lazy("指定编码"),
    "valid_only": gettext_lazy("仅导入有效行"),
    "text": gettext_lazy("意见"),
    "fields": gettext_lazy("字段"),
    "province_reference": gettext_lazy("审批文号"),
}
CHOICE_LABELS = {
    "status": dict(Check.Status.choices),
    "source": dict(Check.Source.choices),
    "blocked_reason": dict(Check.BlockedReason.choices),
}
VALUE_MAX = 200
EXPORT_MAX = 100_000


def action_label(code: str) -> str:
    if code in ACTION_LABELS:
        return str(ACTION_LABELS[code])
    entity, _dot, verb = code.partition(".")
    if entity in ENTITY_LABELS:
        return _("%(entity)s：%(verb)s") % {"entity": ENTITY_LABELS[entity], "verb": VERB_LABELS.get(verb, verb)}
    return code


def target_type_label(label: str) -> str:
    try:
        return str(apps.get_model(label)._meta.verbose_name)
    except (LookupError, ValueError):
        return label


def target_type_choices() -> list[tuple[str, str]]:
    models = apps.get_app_config("selfcheck").get_models()
    return sorted(((m._meta.label_lower, str(m._meta.verbose_name)) for m in models), key=lambda c: c[1])


def action_choices() -> list[tuple[str, str]]:
    codes = set(ACTION_LABELS) | set(AuditEvent.objects.order_by().values_list("action", flat=True).distinct()[:200])
    return sorted(((code, action_label(code)) for code in codes), key=lambda c: c[1])


def _reported(detail: dict) -> str:
    """A student's report ({"fields": {...}, "note": ...}) as words: "姓名应为 张叁；说明：…"."""
    parts = []
    fields = detail.get("fields")
    for name, value in fields.items() if isinstance(fields, dict) else ():
        try:
            label = str(Student._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:
            label = str(name)
        parts.append(_("%(label)s应为 %(value)s") % {"label": label, "value": value})
    if detail.get("note"):
        parts.append(_("说明：%(note)s") % {"note": detail["note"]})
    return pgettext("list separator", "；").join(parts)


def _shown(key: str, value) -> str:
    if value is None or value == "" or value == {}:
        return "—"
    if key == "detail" and isinstance(value, dict):
        value = _reported(value) or "—"
    names = CHOICE_LABELS.get(key)
    if names is not None and isinstance(value, str):
        return str(names.get(value, value))
    if isinstance(value, bool):
        return _("是") if value else _("否")
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= VALUE_MAX else text[: VALUE_MAX - 1] + "…"


def change_lines(changes) -> list[str]:
    """ "label: old → new" for each change, ID numbers masked."""
    if not isinstance(changes, dict):
        return [_shown("", mask_personal(changes))] if changes else []
    lines = []
    for key, pair in mask_personal(changes).items():
        label = CHANGE_LABELS.get(key, key)
        if isinstance(pair, list) and len(pair) == 2:
            old, new = pair
        else:
            old, new = None, pair
        if old is None:
            lines.append(_("%(label)s：%(new)s") % {"label": label, "new": _shown(key, new)})
        else:
            lines.append(
                _("%(label)s：%(old)s → %(new)s") % {"label": label, "old": _shown(key, old), "new": _shown(key, new)}
            )
    return lines


def actor_label(actor: User | None) -> str:
    if actor is None:
        return _("系统")
    full = actor.get_full_name()
    return f"{full} ({actor.username})" if full else actor.username


def check_names(events) -> dict[str, str]:
    """ "name 学号 · campaign" for the checks some events are about, in one query."""
    ids = {e.target_id for e in events if e.target_type == "selfcheck.check" and e.target_id.isdigit()}
    checks = Check.objects.filter(pk__in=ids).select_related("student", "campaign")
    return {str(c.pk): f"{c.student.name} {c.student.student_no} · {c.campaign.name}" for c in checks}


def event_rows(events) -> list[dict]:
    events = list(events)
    names = check_names(events)
    return [event_row(event, names) for event in events]


def event_row(event: AuditEvent, names: dict[str, str] | None = None) -> dict:
    target = event.target_repr
    if event.target_type == "selfcheck.check" and names:
        target = names.get(event.target_id, target)
    return {
        "at": event.created_at,
        "actor": actor_label(event.actor),
        "action": action_label(event.action),
        "code": event.action,
        "target_type": target_type_label(event.target_type) if event.target_type else "",
        "target": mask_personal(target),
        "target_id": event.target_id,
        "changes": change_lines(event.changes),
        "ip": event.ip_address or "",
    }


EXPORT_HEADERS = [
    gettext_lazy("时间"),
    gettext_lazy("操作人"),
    gettext_lazy("操作"),
    gettext_lazy("对象类型"),
    gettext_lazy("对象"),
    gettext_lazy("对象编号"),
    gettext_lazy("变化"),
    gettext_lazy("IP 地址"),
]


def export_rows(events: QuerySet[AuditEvent]):
    chunk: list[AuditEvent] = []
    for event in events[:EXPORT_MAX].iterator(chunk_size=2000):
        chunk.append(event)
        if len(chunk) == 2000:
            yield from _export_chunk(chunk)
            chunk = []
    yield from _export_chunk(chunk)


def _export_chunk(events: list[AuditEvent]):
    for row in event_rows(events):
        yield [
            row["at"],
            row["actor"],
            row["action"],
            row["target_type"],
            row["target"],
            row["target_id"],
            "\n".join(row["changes"]),
            row["ip"],
        ]
