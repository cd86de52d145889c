"""After a bulletin is out, each college secretary gets the summary and their colleges' part.

The mail carries numbers only; the names of students to chase stay behind the link,
where the portal checks who is asking.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.urls import reverse
from django.utils import timezone

from selfcheck.models import Bulletin, Role, User
from selfcheck.services.bulletin_content import has_documents


def _college_line(c: dict, count: int, target: float) -> str:
    change = "" if c["change"] is None else f"，较上次{c['change']:+.1f}个百分点"
    below = f"，低于目标{target:g}%" if c["below_target"] else ""
    return (
        f"{c['name']}：学生{c['total']}人，已完成{c['done']}人，完成率{c['rate']:.1f}%{change}，"
        f"排名第{c['rank']}/{count}；未核对{c['pending']}人，无法登录{c['blocked']}人，查无学籍{c['missing']}人{below}。"
    )


def bulletin_mail_body(bulletin: Bulletin, snapshot: dict, colleges: list[dict], user: User) -> str:
    site = settings.SELFCHECK_SITE_URL
    slug, sequence = bulletin.campaign.slug, bulletin.sequence
    target = snapshot["campaign"]["target_rate"]
    lines = [f"{user.get_full_name() or user.username}老师：", "", f"《{snapshot['title']}》已发布。", ""]
    lines += snapshot["text"]
    lines += ["", "贵学院情况："]
    lines += [_college_line(c, len(snapshot["colleges"]), target) for c in colleges]
    lines += [
        "",
        f"通报全文：{site}{reverse('bulletin_detail', args=[slug, sequence])}",
        f"未核对及无法登录学生名单（Excel）：{site}{reverse('bulletin_xlsx', args=[slug, sequence])}",
        "",
        "教务处学籍科",
    ]
    return "\n".join(lines)


def bulletin_mail_secretaries(bulletin_id: int) -> int:
    """E-mail every active secretary with an address whose colleges are in the bulletin, once.

    Returns how many messages went out (0 when they had been sent before). The claim is
    a conditional UPDATE of ``mailed_at``; if sending fails it is released and the error
    propagates so the task can retry.
    """
    claimed = Bulletin.objects.filter(pk=bulletin_id, state=Bulletin.State.PUBLISHED, mailed_at__isnull=True).update(
        mailed_at=timezone.now()
    )
    if claimed != 1:
        return 0
    bulletin = Bulletin.objects.select_related("campaign").get(pk=bulletin_id)
    if not has_documents(bulletin):
        return 0
    snapshot = bulletin.snapshot
    by_code = {c["code"]: c for c in snapshot.get("colleges", [])}
    secretaries = (
        User.objects.filter(role=Role.SECRETARY, is_active=True).exclude(email="").prefetch_related("colleges")
    )
    messages = []
    for user in secretaries.order_by("username"):
        mine = [by_code[c.code] for c in user.colleges.all() if c.code in by_code]
        if mine:
            body = bulletin_mail_body(bulletin, snapshot, mine, user)
            messages.append(EmailMessage(subject=snapshot["title"], body=body, to=[user.email]))
    try:
        get_connection().send_messages(messages)
    except Exception:
        Bulletin.objects.filter(pk=bulletin_id).update(mailed_at=None)
        raise
    return len(messages)
