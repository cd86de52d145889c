"""What a bulletin says, frozen when it is generated.

The snapshot is plain JSON so the page, the Word document, the spreadsheet and the
e-mails all read the same numbers long after the checks have moved on. Its wording is
the registrar office's: the bulletin is an official notice issued in Chinese, so its
title and text are data written here, not interface strings.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from xml.sax.saxutils import escape

from django.utils import timezone

from selfcheck import stats
from selfcheck.models import Bulletin, Campaign, Check
from selfcheck.safe_names import sheet_title

SUMMARY_SHEET = "汇总"
# Bulletins produced before there were documents hold only a ranking; they are shown as such.
SNAPSHOT_VERSION = 2
KIND_WORDS = {Campaign.Kind.FRESHMAN: "新生学籍自查", Campaign.Kind.PRE_GRADUATION: "毕业前学籍核查"}
# Titles the schedule fills in by itself; generation replaces them by the office's wording.
_PLACEHOLDER_TITLE = re.compile(r"^(第\S{1,4}次(进度)?通报)?$")
_DIGITS = "零一二三四五六七八九"


def chinese_ordinal(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 21 → 二十一 (up to 99)."""
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


def office_title(campaign: Campaign, ordinal: int) -> str:
    kind = KIND_WORDS.get(campaign.kind, "学籍核查")
    return f"关于{campaign.cohort}级{kind}进度的第{chinese_ordinal(ordinal)}次通报"


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def safe_sheet_names(names: list[str]) -> list[str]:
    """One sheet title per college, unique and never the summary's (``selfcheck.safe_names``)."""
    used = {SUMMARY_SHEET}
    return [sheet_title(name, used) for name in names]


def _previous(bulletin: Bulletin) -> Bulletin | None:
    return (
        Bulletin.objects.filter(campaign_id=bulletin.campaign_id, state=Bulletin.State.PUBLISHED)
        .exclude(pk=bulletin.pk)
        .order_by("-generated_at")
        .first()
    )


def _counts(row: dict) -> dict:
    return {
        "total": row["total"],
        "done": row["done"],
        "open": row["open"],
        "pending": row[Check.Status.PENDING],
        "blocked": row[Check.Status.BLOCKED],
        "missing": row[Check.Status.MISSING],
        "discrepancy": row[Check.Status.DISCREPANCY],
        "rate": float(row["rate"]),
    }


def build_snapshot(bulletin: Bulletin, *, now: datetime) -> dict:
    """Numbers, ranking, wording and trend of ``bulletin`` at ``now`` (three queries)."""
    campaign = bulletin.campaign
    checks = Check.objects.filter(campaign=campaign)
    rows = stats.college_counts(checks)
    overall = stats.sum_counts(rows)
    target = Decimal(campaign.target_rate)
    previous = _previous(bulletin)
    before = {c["code"]: c["rate"] for c in (previous.snapshot.get("colleges", []) if previous else [])}
    sheets = dict(zip((r["code"] for r in rows), safe_sheet_names([r["name"] for r in rows]), strict=True))
    colleges = []
    for row in stats.ranked([dict(r) for r in rows]):
        rate = float(row["rate"])
        colleges.append(
            {
                "code": row["code"],
                "name": row["name"],
                **_counts(row),
                "rank": row["rank"],
                "change": round(rate - before[row["code"]], 1) if row["code"] in before else None,
                "below_target": row["rate"] < target,
                "sheet": sheets[row["code"]],
            }
        )
    local_now = timezone.localtime(now)
    ordinal = Bulletin.objects.filter(campaign_id=campaign.pk, state=Bulletin.State.PUBLISHED).count() + 1
    title = office_title(campaign, ordinal) if _PLACEHOLDER_TITLE.match(bulletin.title or "") else bulletin.title
    trend = stats.daily_trend(checks, campaign, total=overall["total"], today=local_now.date())
    snapshot = {
        "version": SNAPSHOT_VERSION,
        "title": title,
        "subject": f"{campaign.cohort}级{KIND_WORDS.get(campaign.kind, campaign.name)}",
        "ordinal": ordinal,
        "date": local_now.date().isoformat(),
        "as_of": local_now.strftime("%Y-%m-%d %H:%M"),
        "campaign": {
            "slug": campaign.slug,
            "name": campaign.name,
            "cohort": campaign.cohort,
            "opens_on": campaign.opens_on.isoformat(),
            "closes_on": campaign.closes_on.isoformat(),
            "target_rate": float(target),
        },
        "overall": _counts(overall),
        "colleges": colleges,
        "complete": [c["name"] for c in colleges if c["total"] and c["done"] == c["total"]],
        "below": [{"name": c["name"], "open": c["open"]} for c in colleges if c["below_target"]],
        "previous": {"sequence": previous.sequence, "title": previous.title} if previous else None,
        "trend": [{"day": p["day"].isoformat(), "new": p["new"], "done": p["done"]} for p in trend],
    }
    snapshot["text"] = notice_text(snapshot, local_now)
    return snapshot


def has_documents(bulletin: Bulletin) -> bool:
    """Published with the full frozen content (page, Word and workbook), not an older ranking."""
    return bulletin.state == Bulletin.State.PUBLISHED and bulletin.snapshot.get("version") == SNAPSHOT_VERSION


def notice_text(snapshot: dict, local_now: datetime) -> list[str]:
    """The paragraphs of the notice, in the register of a registrar's circular."""
    o, c = snapshot["overall"], snapshot["campaign"]
    closes = date.fromisoformat(c["closes_on"])
    paragraphs = [
        f"截至{chinese_date(local_now.date())}{local_now:%H:%M}，{snapshot['subject']}工作中我校应核对学生"
        f"{o['total']}人，已完成核对{o['done']}人，完成率{o['rate']:.1f}%；尚有{o['pending']}人未核对，"
        f"{o['blocked']}人无法登录学信网，{o['missing']}人查无学籍。现将各学院完成情况通报如下。"
    ]
    if snapshot["complete"]:
        paragraphs.append(f"{'、'.join(snapshot['complete'])}已全部完成核对，特予表扬。")
    if snapshot["below"]:
        listed = "、".join(f"{b['name']}（未完成{b['open']}人）" for b in snapshot["below"])
        paragraphs.append(f"以下学院完成率低于{c['target_rate']:g}%的目标：{listed}。")
    days_left = (closes - local_now.date()).days
    if days_left >= 0:
        deadline = f"本次核查截止日期为{chinese_date(closes)}，距截止还有{days_left}天。"
    else:
        deadline = f"本次核查已于{chinese_date(closes)}截止，请尚未完成的学院尽快补齐。"
    paragraphs.append(
        deadline + "请各学院高度重视，对照本通报所附名单逐一督促未核对学生登录学信网完成核对；"
        "对无法登录或查无学籍的学生，请协助其按平台提示处理，确有困难的及时报学籍科。"
    )
    return paragraphs


def chart_svg(snapshot: dict) -> str:
    """Completion per college as a self-contained SVG (prints, and pastes into documents)."""
    colleges = snapshot.get("colleges", [])
    target = snapshot.get("campaign", {}).get("target_rate", 100)
    width, left, right, row_h, top = 720, 170, 70, 24, 24
    plot_w = width - left - right
    height = top + row_h * len(colleges) + 12
    target_x = round(left + plot_w * target / 100, 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'font-family="sans-serif" font-size="12" role="img" aria-label="{escape(snapshot.get("title", ""))}">',
        f'<text x="{left}" y="14" fill="#444">完成率（虚线为目标 {target:g}%）</text>',
    ]
    for i, c in enumerate(colleges):
        y = top + i * row_h
        w = round(plot_w * c["rate"] / 100, 1)
        colour = "#c0392b" if c["below_target"] else "#2e7d32"
        parts.append(f'<text x="{left - 8}" y="{y + 16}" text-anchor="end" fill="#222">{escape(c["name"])}</text>')
        parts.append(f'<rect x="{left}" y="{y + 4}" width="{w}" height="{row_h - 8}" fill="{colour}"/>')
        parts.append(f'<text x="{left + w + 6}" y="{y + 16}" fill="#222">{c["rate"]:.1f}%</text>')
    parts.append(
        f'<line x1="{target_x}" x2="{target_x}" y1="{top - 4}" y2="{height - 8}" stroke="#555" stroke-dasharray="4 3"/>'
    )
    parts.append("</svg>")
    return "".join(parts)
