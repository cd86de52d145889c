"""A college's daily summary posted to its staff group's robot (企业微信 / 钉钉).

A dispatcher run every minute claims due pushes with a conditional UPDATE and queues
one send per push after commit. A failed send is retried by the same dispatcher after
a short, growing delay (no long countdown tasks); after ``MAX_ATTEMPTS`` it waits for
the next day. Every outcome is recorded on the push and shown on the college page.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import datetime, time, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from selfcheck import stats
from selfcheck.models import Campaign, Check, CollegePush, User
from selfcheck.numbers import percent
from selfcheck.selectors.campaigns import current_campaign
from selfcheck.selectors.chase import chase_lists
from selfcheck.services.audit import audit_record

MAX_ATTEMPTS = 4
RETRY_MINUTES = (2, 5, 15)
STALE_CLAIM = timedelta(minutes=10)
TIMEOUT_SECONDS = 10
# 企业微信 text messages hold at most 2048 bytes; keep a margin for 钉钉 as well.
MAX_BYTES = 1900


class PushError(Exception):
    """A webhook setting that cannot be used, in the user's language."""


def webhook_url_check(url: str) -> str:
    """The URL if it points at an allowed group-robot host over http(s); else PushError."""
    parts = urlsplit((url or "").strip())
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise PushError(_("Webhook 地址必须以 https:// 开头。"))
    if parts.hostname not in settings.SELFCHECK_WEBHOOK_HOSTS:
        raise PushError(_("只支持企业微信（qyapi.weixin.qq.com）或钉钉（oapi.dingtalk.com）的群机器人地址。"))
    if parts.username or parts.password:
        raise PushError(_("Webhook 地址不能包含用户名或密码。"))
    return url.strip()


def next_run(send_at: time, now: datetime) -> datetime:
    """The next moment after ``now`` at ``send_at`` local time."""
    local = timezone.localtime(now)
    candidate = local.replace(hour=send_at.hour, minute=send_at.minute, second=0, microsecond=0)
    return candidate if candidate > local else candidate + timedelta(days=1)


@transaction.atomic
def college_push_set(college, *, url: str, send_at: time, enabled: bool, by: User, request=None) -> CollegePush:
    """Create or change a college's push. Side effects: one audit event ``college_push.set``."""
    url = webhook_url_check(url)
    push = CollegePush.objects.select_for_update().filter(college=college).first()
    before = None if push is None else {"send_at": f"{push.send_at:%H:%M}", "enabled": push.enabled}
    if push is None:
        push = CollegePush(college=college)
    push.webhook_url, push.send_at, push.enabled = url, send_at, enabled
    push.next_run_at = next_run(send_at, timezone.now()) if enabled else None
    push.attempts = 0
    push.save()
    audit_record(
        actor=by, action="college_push.set", target=push, request=request,
        changes={"send_at": [before and before["send_at"], f"{send_at:%H:%M}"],
                 "enabled": [before and before["enabled"], enabled]},
    )  # fmt: skip
    return push


def pushes_dispatch_due(now=None, *, queue: Callable[[int], None]) -> list[int]:
    """Claim due pushes with a conditional UPDATE; ``queue(pk)`` each after its claim commits."""
    now = now or timezone.now()
    due = CollegePush.objects.filter(
        Q(state=CollegePush.State.IDLE) | Q(state=CollegePush.State.SENDING, claimed_at__lt=now - STALE_CLAIM),
        enabled=True,
        next_run_at__lte=now,
    ).values_list("pk", "state", "claimed_at")
    claimed = []
    for pk, state, claimed_at in due:
        with transaction.atomic():
            won = CollegePush.objects.filter(pk=pk, state=state, claimed_at=claimed_at).update(
                state=CollegePush.State.SENDING, claimed_at=now
            )
            if won == 1:
                claimed.append(pk)
                transaction.on_commit(lambda pk=pk: queue(pk))
    return claimed


def push_message(push: CollegePush, campaign: Campaign, now: datetime) -> str:
    """The college's numbers and its pending students per class: 姓名 and 学号 only."""
    checks = Check.objects.filter(campaign=campaign, college=push.college)
    counts = stats.status_counts(checks)
    head = _("【%(campaign)s】%(college)s（截至 %(time)s）：应核对 %(total)s 人，已完成 %(done)s 人（%(rate)s），未完成 %(open)s 人。") % {
        "campaign": campaign.name, "college": push.college.name, "total": counts["total"],
        "time": timezone.localtime(now).strftime("%m-%d %H:%M"),
        "done": counts["done"], "rate": percent(counts["rate"]), "open": counts["open"],
    }  # fmt: skip
    parts = [head]
    found = chase_lists(checks)
    for klass in found[0].classes if found else []:
        names = _("、").join(f"{s.name} {s.student_no}" for s in klass.students)
        parts.append(_("%(klass)s（%(n)s 人）：%(names)s") % {
            "klass": klass.class_name or _("（未分班）"), "n": len(klass.students), "names": names,
        })  # fmt: skip
    text = "\n".join(parts)
    if len(text.encode()) > MAX_BYTES:
        cut = text.encode()[: MAX_BYTES - 60].decode(errors="ignore").rsplit("\n", 1)[0]
        text = cut + "\n" + _("……名单较长，完整名单请在自查平台查看。")
    return text


def _post(url: str, text: str) -> None:
    """POST a text message; raise with a short reason unless the robot answers errcode 0."""
    body = json.dumps({"msgtype": "text", "text": {"content": text}}, ensure_ascii=False).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 - host checked
        answer = json.loads(response.read() or b"{}")
    if answer.get("errcode", 0) != 0:
        raise RuntimeError(f"errcode {answer.get('errcode')}: {str(answer.get('errmsg', ''))[:120]}")


def college_push_send(push: CollegePush, *, now=None) -> str:
    """Send one claimed push and record the outcome; a failure is retried by the dispatcher.

    Side effects: one HTTP POST to the college's webhook; the push's state, next run,
    attempts and last error or success.
    """
    now = now or timezone.now()
    if push.state != CollegePush.State.SENDING:
        return "not-claimed"
    campaign = current_campaign(list(Campaign.objects.filter(state=Campaign.State.OPEN)))
    if campaign is None:
        _finish(push, now, success=None)
        return "no-campaign"
    try:
        webhook_url_check(push.webhook_url)
        _post(push.webhook_url, push_message(push, campaign, now))
    except (PushError, OSError, ValueError, RuntimeError, urllib.error.URLError) as exc:
        _finish(push, now, error=f"{type(exc).__name__}: {exc}"[:300])
        return "failed"
    _finish(push, now, success=now)
    return "sent"


def _finish(push: CollegePush, now: datetime, *, success=None, error: str = "") -> None:
    fields = {"state": CollegePush.State.IDLE, "claimed_at": None}
    if error:
        attempts = push.attempts + 1
        retry = attempts < MAX_ATTEMPTS
        delay = timedelta(minutes=RETRY_MINUTES[min(attempts, len(RETRY_MINUTES)) - 1])
        fields.update(
            attempts=attempts if retry else 0, last_error=error, last_error_at=now,
            next_run_at=now + delay if retry else next_run(push.send_at, now),
        )  # fmt: skip
    else:
        fields.update(attempts=0, next_run_at=next_run(push.send_at, now))
        if success is not None:
            fields.update(last_success_at=success, last_error="")
    CollegePush.objects.filter(pk=push.pk, state=CollegePush.State.SENDING).update(**fields)
