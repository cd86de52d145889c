"""The English interface: pages, messages and the translation catalogue itself.

The source strings are Chinese; English comes from locale/en/LC_MESSAGES/django.po,
compiled to django.mo (committed). These tests fail when a page falls back to Chinese,
when the catalogue has an untranslated entry, or when the .mo is older than the .po.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation

from selfcheck.services.checks import window_message
from tests.factories import PASSWORD

PO_PATH = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")


@pytest.fixture(autouse=True)
def _restore_language():
    """A request in English leaves English active in this thread; later tests expect Chinese."""
    before = translation.get_language()
    yield
    if before:
        translation.activate(before)
    else:
        translation.deactivate()


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _page(response) -> str:
    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    return response.content.decode()


def _assert_english(html: str, present: list[str], absent: list[str]) -> None:
    assert '<html lang="en">' in html
    for words in present:
        assert words in html, words
    for words in absent:
        assert words not in html, words


def _messages(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


# --- pages ------------------------------------------------------------------------------


def test_staff_login_page_in_english(english, db):
    html = _page(english.get(reverse("login")))
    _assert_english(
        html,
        present=["Staff sign-in", "Student sign-in", "Username", "Password", "Sign in", "Student Record Self-Check"],
        absent=["教职工登录", "学生登录", "用户名", "密码", "登录", "学籍自查平台", "学籍科"],
    )


def test_the_language_menu_gives_english_pages(client, db):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("student_login")})
    assert response.status_code == 302
    html = _page(client.get(reverse("student_login")))
    _assert_english(
        html,
        present=["Student sign-in", "Student no.", "First time here?"],
        absent=["学生登录", "学号", "首次登录"],
    )


def test_a_failed_student_sign_in_is_explained_in_english(english, student_a):
    response = english.post(reverse("student_login"), {"username": student_a.student_no, "password": "wrong-pass"})
    html = response.content.decode()
    assert "Incorrect student no. or password" in html
    assert "学号或密码错误" not in html


def test_a_failed_identity_check_is_explained_in_english(english, student_a):
    response = english.post(
        reverse("student_activate"),
        {"student_no": student_a.student_no, "id_number": "110101200001010000", "name": "nobody",
         "password1": PASSWORD, "password2": PASSWORD},
    )  # fmt: skip
    html = response.content.decode()
    assert "do not match" in html
    assert "不匹配" not in html


def test_registrar_home_in_english(english, registrar, campaign):
    english.force_login(registrar)
    html = _page(english.get(reverse("registrar_home")))
    _assert_english(
        html,
        present=["Campaigns", "New campaign", "Roster import", "Completion rate", "Open", "Registrar&#x27;s Office"],
        absent=["新建核查活动", "名册导入", "完成率", "数据管理", "进行中", "修改密码", "退出"],
    )


def test_secretary_home_in_english(english, secretary_a, campaign, student_a):
    english.force_login(secretary_a)
    html = _page(english.get(reverse("secretary_home")))
    _assert_english(
        html,
        present=["My colleges", "Current campaign", "Target rate", "Follow up on students", "College secretary"],
        absent=["我的学院", "当前活动", "目标完成率", "催办未完成学生", "学院教学秘书", "未完成"],
    )


def test_student_home_in_english(english, student_user, student_a, campaign):
    english.force_login(student_user)
    html = _page(english.get(reverse("student_home")))
    _assert_english(
        html,
        present=["My student record", "Student no.", "ID number", "Pending", "Confirmed", "Discrepancy",
                 "Cannot sign in / No record found", "Who to contact", "Open CHSI to check your record"],
        absent=["我的学籍信息", "学号", "证件号码", "未核对", "核对无误", "信息有误", "查不到学籍", "核对步骤"],
    )  # fmt: skip


def test_the_students_answer_is_acknowledged_in_english(english, student_user, student_a, campaign):
    english.force_login(student_user)
    response = english.post(reverse("student_confirm", args=[campaign.slug]))
    assert response.status_code == 302
    assert _messages(response) == "Recorded: Confirmed. Thank you!"


def test_a_bad_page_number_is_reported_in_english(english, registrar, campaign, student_a):
    english.force_login(registrar)
    response = english.get(reverse("campaign_checks", args=[campaign.slug]), {"page": "x"})
    assert response.status_code == 200
    assert "Invalid page number; showing page 1." in [str(m) for m in response.context["messages"]]


# --- messages built in Python: English, and the Chinese unchanged ------------------------


def test_window_message_in_both_languages(campaign):
    campaign.opens_on, campaign.closes_on = date(2026, 9, 5), date(2026, 9, 20)
    with translation.override("zh-hans"):
        assert window_message(campaign, date(2026, 9, 2)) == "核查将于2026年09月05日开始，届时再来核对。"
        assert window_message(campaign, date(2026, 9, 21)) == (
            "核查已于2026年09月20日截止，如需修改请联系所在学院教学秘书或学籍科。"
        )
    with translation.override("en"):
        assert (
            window_message(campaign, date(2026, 9, 2)) == "The check opens on September 5, 2026; please come back then."
        )
        assert window_message(campaign, date(2026, 9, 21)).startswith("The check closed on September 20, 2026.")


# --- the catalogue ----------------------------------------------------------------------


@dataclass
class Entry:
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0


def _po_entries(path: Path) -> list[Entry]:
    """A small reader for the .po file that makemessages writes."""
    entries: list[Entry] = []
    entry, key = Entry(), None

    def finish():
        nonlocal entry, key
        if key is not None:
            entries.append(entry)
            entry, key = Entry(), None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if line.startswith("#~"):
            raise AssertionError(f"obsolete entry at line {number}: {raw}")
        if not line or line.startswith("#"):
            finish()
            if line.startswith("#,"):
                entry.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith('"'):
            word, value = None, ast.literal_eval(line)
        else:
            word, _sep, rest = line.partition(" ")
            value = ast.literal_eval(rest)
        if word is None:  # continuation of the previous keyword
            if isinstance(key, int):
                entry.msgstr[key] += value
            else:
                setattr(entry, key, getattr(entry, key) + value)
        elif word in ("msgctxt", "msgid", "msgid_plural"):
            if word == "msgid" and key == "msgctxt":
                pass
            elif word != "msgid_plural":
                finish()
            setattr(entry, word, value)
            key = word
            entry.line = entry.line or number
        elif word == "msgstr" or word.startswith("msgstr["):
            key = 0 if word == "msgstr" else int(word[len("msgstr[") : -1])
            entry.msgstr[key] = value
        else:
            raise AssertionError(f"unexpected line {number}: {raw}")
    finish()
    return [e for e in entries if e.msgid]  # the header has an empty msgid


@pytest.fixture(scope="module")
def po_entries() -> list[Entry]:
    entries = _po_entries(PO_PATH)
    assert len(entries) > 300
    return entries


def test_po_has_no_empty_or_fuzzy_entry(po_entries):
    assert "fuzzy" not in PO_PATH.read_text(encoding="utf-8").split('msgstr ""', 1)[0]
    problems = []
    for e in po_entries:
        expected = {0, 1} if e.msgid_plural else {0}
        if set(e.msgstr) != expected or not all(s.strip() for s in e.msgstr.values()):
            problems.append(f"line {e.line}: empty translation for {e.msgid!r}")
        if "fuzzy" in e.flags:
            problems.append(f"line {e.line}: fuzzy {e.msgid!r}")
    assert problems == []


def test_po_translations_are_english_and_keep_placeholders(po_entries):
    problems = []
    for e in po_entries:
        for text in e.msgstr.values():
            if CJK.search(text):
                problems.append(f"line {e.line}: Chinese left in {text!r}")
            if set(PLACEHOLDER.findall(text)) != set(PLACEHOLDER.findall(e.msgid)):
                problems.append(f"line {e.line}: placeholders differ in {text!r}")
    assert problems == []


def test_compiled_catalogue_matches_the_po(po_entries):
    """The committed .mo says what the .po says: recompile after editing the .po."""
    stale = []
    with translation.override("en"):
        for e in po_entries:
            if e.msgid_plural:
                got = [translation.ngettext(e.msgid, e.msgid_plural, n) for n in (1, 2)]
                want = [e.msgstr[0], e.msgstr[1]]
            elif e.msgctxt:
                got, want = translation.pgettext(e.msgctxt, e.msgid), e.msgstr[0]
            else:
                got, want = translation.gettext(e.msgid), e.msgstr[0]
            if got != want:
                stale.append((e.msgid, got, want))
    assert stale == []


KEY_TERMS = {
    "学号": "Student no.",
    "证件号码": "ID number",
    "考生号": "Exam no.",
    "学院教学秘书": "College secretary",
    "学籍科": "Registrar's Office",
    "招生办": "Admissions Office",
    "核对无误": "Confirmed",
    "信息有误": "Discrepancy",
    "无法登录": "Cannot sign in",
    "查无学籍": "No record found",
    "核查活动": "Campaigns",
    "进度通报": "Progress bulletin",
    "名册导入": "Roster import",
}


@pytest.mark.parametrize("chinese", sorted(KEY_TERMS))
def test_key_terms_translate(chinese):
    with translation.override("en"):
        english = translation.gettext(chinese)
    assert english == KEY_TERMS[chinese]


def test_chinese_stays_the_source_language():
    with translation.override("zh-hans"):
        assert translation.gettext("学号") == "学号"
        assert translation.gettext("核对无误") == "核对无误"
