"""Tracking pages: roles, scoping, the student's answers, staff on behalf, lists, exports."""

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from selfcheck.models import AuditEvent, Campaign, Check
from tests.factories import make_check, make_student


def _messages(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def _check(student) -> Check:
    return Check.objects.get(student=student)


def _xlsx_rows(response) -> list[list]:
    workbook = load_workbook(io.BytesIO(response.content))
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


def _csv_text(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8")


# --- who reaches which page ------------------------------------------------------------

STAFF_PAGES = {
    "campaign_dashboard": lambda c, a, b: [c.slug],
    "campaign_checks": lambda c, a, b: [c.slug],
    "campaign_edit": lambda c, a, b: [c.slug],
    "campaign_create": lambda c, a, b: [],
    "college_dashboard": lambda c, a, b: [c.slug, a.college.code],
    "college_export": lambda c, a, b: [c.slug, a.college.code],
    "check_detail": lambda c, a, b: [c.slug, a.pk],
}
EXPECTED = {
    "registrar": {name: 200 for name in STAFF_PAGES},
    "secretary_a": {
        "campaign_dashboard": 403, "campaign_checks": 403, "campaign_edit": 403, "campaign_create": 403,
        "college_dashboard": 200, "college_export": 200, "check_detail": 200,
    },
    "secretary_b": {
        "campaign_dashboard": 403, "campaign_checks": 403, "campaign_edit": 403, "campaign_create": 403,
        "college_dashboard": 404, "college_export": 404, "check_detail": 404,
    },
    "student_user": {name: 403 for name in STAFF_PAGES},
    "admissions": {name: 403 for name in STAFF_PAGES},
}  # fmt: skip


@pytest.mark.parametrize("who", list(EXPECTED))
@pytest.mark.parametrize("page", list(STAFF_PAGES))
def test_staff_pages_by_role(client, request, who, page, campaign, student_a, student_b):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse(page, args=STAFF_PAGES[page](campaign, student_a, student_b)))
    assert response.status_code == EXPECTED[who][page]


@pytest.mark.parametrize("page", list(STAFF_PAGES))
def test_staff_pages_send_anonymous_visitors_to_sign_in(client, campaign, student_a, student_b, page):
    response = client.get(reverse(page, args=STAFF_PAGES[page](campaign, student_a, student_b)))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name", ["student_confirm", "student_discrepancy", "student_blocked"])
@pytest.mark.parametrize("who", ["registrar", "secretary_a", "admissions"])
def test_student_actions_are_for_students_only(client, request, campaign, student_a, name, who):
    client.force_login(request.getfixturevalue(who))
    assert client.post(reverse(name, args=[campaign.slug])).status_code == 403


def test_a_secretary_does_not_see_draft_campaigns(client, secretary_a, campaign, student_a):
    Campaign.objects.filter(pk=campaign.pk).update(state=Campaign.State.DRAFT)
    client.force_login(secretary_a)
    assert client.get(reverse("college_dashboard", args=[campaign.slug, "A01"])).status_code == 404


# --- scoping: a secretary of A sees nothing of B ----------------------------------------


def test_college_page_of_a_shows_nothing_of_b(client, secretary_a, campaign, student_a, student_b):
    client.force_login(secretary_a)
    response = client.get(reverse("college_dashboard", args=[campaign.slug, "A01"]), {"status": "all"})
    html = response.content.decode()
    assert student_a.name in html and student_a.student_no in html
    assert student_b.name not in html and student_b.student_no not in html
    assert response.context["counts"]["total"] == 1


def test_search_of_a_secretary_never_finds_students_of_b(client, secretary_a, campaign, student_a, student_b):
    client.force_login(secretary_a)
    url = reverse("college_dashboard", args=[campaign.slug, "A01"])
    for term in (student_b.name, student_b.student_no, student_b.student_no[:6]):
        page = client.get(url, {"status": "all", "q": term}).context["page"]
        assert student_b.pk not in [check.student_id for check in page.object_list]
    assert (
        client.get(reverse("college_dashboard", args=[campaign.slug, "B02"]), {"q": student_b.name}).status_code == 404
    )


def test_exports_of_a_secretary_hold_only_their_college(client, secretary_a, campaign, student_a, student_b):
    client.force_login(secretary_a)
    response = client.get(reverse("college_export", args=[campaign.slug, "A01"]), {"format": "xlsx"})
    cells = [str(value) for row in _xlsx_rows(response) for value in row]
    assert student_a.student_no in cells
    assert student_b.student_no not in cells and student_b.name not in cells
    csv_response = client.get(reverse("college_export", args=[campaign.slug, "A01"]), {"format": "csv", "q": "李"})
    assert student_b.name not in _csv_text(csv_response)
    assert client.get(reverse("college_export", args=[campaign.slug, "B02"])).status_code == 404


def test_a_secretary_gets_404_on_b_students_check_and_cannot_post_to_it(
    client, secretary_a, campaign, student_a, student_b
):
    client.force_login(secretary_a)
    url = reverse("check_detail", args=[campaign.slug, student_b.pk])
    assert client.get(url).status_code == 404
    response = client.post(url, {"status": "confirmed", "reason": "试图越权"})
    assert response.status_code == 404
    assert _check(student_b).status == Check.Status.PENDING


def test_the_secretary_home_counts_only_their_colleges(client, secretary_a, campaign, student_a, student_b):
    client.force_login(secretary_a)
    response = client.get(reverse("secretary_home"))
    colleges = response.context["colleges"]
    assert [c.code for c in colleges] == ["A01"]
    assert colleges[0].counts["total"] == 1
    assert reverse("college_dashboard", args=[campaign.slug, "A01"]) in response.content.decode()


# --- the college page: chase list, filters, export ------------------------------------


@pytest.fixture
def college_a_students(campaign, college_a, student_a):
    others = [
        make_student(college_a, name="赵一", class_name="软件2601", phone="13900000001"),
        make_student(college_a, name="钱二", class_name="软件2602", phone="13900000002"),
        make_student(college_a, name="孙三", major="人工智能", class_name="智能2601", phone="13900000003"),
    ]
    statuses = [Check.Status.CONFIRMED, Check.Status.BLOCKED, Check.Status.PENDING]
    for student, status in zip(others, statuses, strict=True):
        make_check(
            campaign, student, status=status,
            blocked_reason="phone_taken" if status == Check.Status.BLOCKED else "",
            completed_at=timezone.now() if status == Check.Status.CONFIRMED else None,
        )  # fmt: skip
    return [student_a, *others]


def test_the_pending_list_shows_class_and_phone_of_everyone_not_done(client, secretary_a, campaign, college_a_students):
    client.force_login(secretary_a)
    response = client.get(reverse("college_dashboard", args=[campaign.slug, "A01"]))
    rows = [check.student.name for check in response.context["page"].object_list]
    assert sorted(rows) == sorted(["张三", "钱二", "孙三"])  # not 赵一, who confirmed
    html = response.content.decode()
    for header in ("学号", "姓名", "班级", "专业", "电话", "状态", "更新时间"):
        assert f"<th>{header}</th>" in html
    assert "13900000002" in html and "软件2602" in html
    counts = response.context["counts"]
    assert (counts["total"], counts["done"], counts["pending"], counts["blocked"]) == (4, 1, 2, 1)
    assert [m["major"] for m in response.context["majors"]] == ["人工智能", "软件工程"]
    assert {c["class_name"] for c in response.context["classes"]} == {"软件2601", "软件2602", "智能2601"}
    assert response.context["trend_chart"] is not None


@pytest.mark.parametrize(
    ("params", "names"),
    [
        ({"status": "blocked"}, ["钱二"]),
        ({"status": "done"}, ["赵一"]),
        ({"status": "all", "major": "人工智能"}, ["孙三"]),
        ({"status": "all", "class_name": "软件2601"}, ["张三", "赵一"]),
        ({"status": "all", "q": "赵"}, ["赵一"]),
        ({"q": "2026010001"}, ["张三"]),
    ],
)
def test_filters_and_search(client, secretary_a, campaign, college_a_students, params, names):
    client.force_login(secretary_a)
    page = client.get(reverse("college_dashboard", args=[campaign.slug, "A01"]), params).context["page"]
    assert sorted(check.student.name for check in page.object_list) == sorted(names)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "bogus"}, "筛选条件无效"),
        ({"q": "x" * 200}, "筛选条件无效"),
        ({"page": "abc"}, "页码无效"),
        ({"page": "999"}, "页码超出范围"),
        ({"page": "-1"}, "页码超出范围"),
    ],
)
def test_bad_filters_and_pages_get_a_message_not_an_error(
    client, secretary_a, campaign, college_a_students, params, expected
):
    client.force_login(secretary_a)
    response = client.get(reverse("college_dashboard", args=[campaign.slug, "A01"]), params)
    assert response.status_code == 200
    assert expected in response.content.decode()


def test_the_pending_export_masks_id_numbers_and_keeps_the_phone(client, secretary_a, campaign, college_a_students):
    client.force_login(secretary_a)
    response = client.get(reverse("college_export", args=[campaign.slug, "A01"]), {"format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    rows = _xlsx_rows(response)
    header, body = rows[0], rows[1:]
    assert header[:7] == ["学号", "姓名", "学院", "专业", "班级", "证件号码", "联系电话"]
    assert sorted(row[1] for row in body) == sorted(["张三", "钱二", "孙三"])
    for row, student in ((r, next(s for s in college_a_students if s.name == r[1])) for r in body):
        assert row[5] == "*" * 14 + student.id_number[-4:]
        assert student.id_number not in [str(v) for v in row]
        assert row[6] == student.phone


def test_csv_export_has_a_bom_and_cells_that_cannot_become_formulas(client, registrar, campaign, college_a, student_a):
    hostile = make_student(college_a, name='=HYPERLINK("http://x")', class_name="+cmd|' /C calc'!A0")
    make_check(campaign, hostile, status=Check.Status.BLOCKED, blocked_reason="other",
                         detail={"note": "@SUM(A1:A9)"})  # fmt: skip
    client.force_login(registrar)
    response = client.get(reverse("campaign_export", args=[campaign.slug, "checks"]), {"format": "csv"})
    text = _csv_text(response)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    row = next(r for r in rows if r[0] == hostile.student_no)
    assert row[1].startswith("'=") and row[4].startswith("'+")
    assert all(not cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r)
    xlsx = client.get(reverse("campaign_export", args=[campaign.slug, "problems"]), {"format": "xlsx"})
    workbook = load_workbook(io.BytesIO(xlsx.content))
    cells = [c for r in workbook.active.iter_rows() for c in r]
    assert all(c.data_type != "f" for c in cells)


@pytest.mark.parametrize("kind", ["colleges", "checks", "problems"])
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_registrar_exports_every_list(client, registrar, campaign, student_a, student_b, kind, fmt):
    client.force_login(registrar)
    response = client.get(reverse("campaign_export", args=[campaign.slug, kind]), {"format": fmt})
    assert response.status_code == 200
    assert f".{fmt}" in response["Content-Disposition"]


def test_a_bad_export_format_or_kind_gets_a_message(client, registrar, campaign, student_a):
    client.force_login(registrar)
    response = client.get(reverse("campaign_export", args=[campaign.slug, "checks"]), {"format": "pdf"})
    assert response.status_code == 302 and "导出格式无效" in _messages(response)
    response = client.get(reverse("campaign_export", args=[campaign.slug, "nothing"]))
    assert response.status_code == 302 and "没有这种导出" in _messages(response)


# --- the registrar's dashboard ---------------------------------------------------------


def test_the_campaign_dashboard_ranks_colleges_and_lists_blocked_and_missing(
    client, registrar, campaign, student_a, student_b
):
    Check.objects.filter(student=student_a).update(status=Check.Status.CONFIRMED, completed_at=timezone.now())
    Check.objects.filter(student=student_b).update(status=Check.Status.MISSING, set_at=timezone.now())
    client.force_login(registrar)
    response = client.get(reverse("campaign_dashboard", args=[campaign.slug]))
    context = response.context
    assert [(r["code"], r["rank"], r["rate"]) for r in context["colleges"]] == [("A01", 1, 100), ("B02", 2, 0)]
    assert context["overall"]["done"] == 1 and context["overall"]["missing"] == 1
    assert [c.student for c in context["problems"].object_list] == [student_b]
    html = response.content.decode()
    assert 'data-testid="trend-chart"' in html and 'data-testid="college-chart"' in html
    assert reverse("college_dashboard", args=[campaign.slug, "A01"]) in html
    assert student_b.id_number not in html


def test_the_registrar_drills_down_college_class_student(client, registrar, campaign, student_a, student_b):
    client.force_login(registrar)
    college = client.get(reverse("college_dashboard", args=[campaign.slug, "B02"]))
    assert [c["class_name"] for c in college.context["classes"]] == [student_b.class_name]
    klass = client.get(
        reverse("college_dashboard", args=[campaign.slug, "B02"]), {"status": "all", "class_name": student_b.class_name}
    )
    assert [c.student for c in klass.context["page"].object_list] == [student_b]
    detail = client.get(reverse("check_detail", args=[campaign.slug, student_b.pk]))
    assert detail.status_code == 200
    html = detail.content.decode()
    assert student_b.masked_id_number in html and student_b.id_number not in html


def test_the_campaign_wide_list_filters_by_college(client, registrar, campaign, student_a, student_b):
    client.force_login(registrar)
    response = client.get(reverse("campaign_checks", args=[campaign.slug]), {"college": "B02", "status": "all"})
    assert [c.student for c in response.context["page"].object_list] == [student_b]


# --- staff on behalf -------------------------------------------------------------------


def test_a_secretary_sets_a_status_on_behalf_and_it_is_audited(client, secretary_a, campaign, student_a):
    client.force_login(secretary_a)
    url = reverse("check_detail", args=[campaign.slug, student_a.pk])
    response = client.post(url, {"status": "confirmed", "reason": "学生电话告知已核对无误"})
    assert response.status_code == 302 and response.url == url
    check = _check(student_a)
    assert (check.status, check.source, check.set_by) == ("confirmed", "secretary", secretary_a)
    event = AuditEvent.objects.get(action="check.set_status")
    assert event.actor == secretary_a and event.changes["reason"][1] == "学生电话告知已核对无误"
    page = client.get(url).content.decode()
    assert "学生电话告知已核对无误" in page and "核对无误" in page


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"status": "confirmed", "reason": ""}, "请填写代为设置的原因"),
        ({"status": "blocked", "reason": "x"}, "请选择无法登录的原因"),
        ({"status": "nonsense", "reason": "x"}, "无效的核对状态"),
    ],
)
def test_on_behalf_form_errors_are_shown(client, secretary_a, campaign, student_a, data, error):
    client.force_login(secretary_a)
    response = client.post(reverse("check_detail", args=[campaign.slug, student_a.pk]), data)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert _check(student_a).status == Check.Status.PENDING


def test_a_closed_campaign_refuses_the_secretary_with_a_message(client, secretary_a, campaign, student_a):
    Campaign.objects.filter(pk=campaign.pk).update(state=Campaign.State.CLOSED)
    client.force_login(secretary_a)
    response = client.post(
        reverse("check_detail", args=[campaign.slug, student_a.pk]), {"status": "confirmed", "reason": "补"}
    )
    assert response.status_code == 200
    assert "联系学籍科" in response.content.decode()


# --- the student's answers -------------------------------------------------------------


def test_the_student_home_shows_steps_record_and_three_actions(client, student_user, campaign, student_a):
    campaign.instructions = "第一步：登录学信网\n第二步：逐项核对"
    campaign.save()
    client.force_login(student_user)
    html = client.get(reverse("student_home")).content.decode()
    assert "第一步：登录学信网" in html and "第二步：逐项核对" in html
    for label in ("核对无误", "信息有误", "无法登录 / 查不到学籍"):
        assert label in html
    assert student_a.masked_id_number in html and student_a.id_number not in html


def test_a_student_confirms(client, student_user, campaign, student_a):
    client.force_login(student_user)
    response = client.post(reverse("student_confirm", args=[campaign.slug]))
    assert response.status_code == 302 and response.url == reverse("student_home")
    assert "已记录：核对无误" in _messages(response)
    check = _check(student_a)
    assert (check.status, check.source, check.set_by) == ("confirmed", "student", student_user)


def test_confirming_needs_a_post(client, student_user, campaign, student_a):
    client.force_login(student_user)
    assert client.get(reverse("student_confirm", args=[campaign.slug])).status_code == 405


def test_a_student_reports_wrong_fields_with_the_right_values(client, student_user, campaign, student_a):
    client.force_login(student_user)
    url = reverse("student_discrepancy", args=[campaign.slug])
    assert "学校登记的信息" in client.get(url).content.decode()
    response = client.post(
        url, {"wrong_ethnicity": "on", "correct_ethnicity": "回族", "wrong_name": "on", "correct_name": "张叁",
              "note": "身份证上为回族"},
    )  # fmt: skip
    assert response.status_code == 302
    check = _check(student_a)
    assert check.status == Check.Status.DISCREPANCY
    assert check.detail == {"fields": {"ethnicity": "回族", "name": "张叁"}, "note": "身份证上为回族"}
    home = client.get(reverse("student_home")).content.decode()
    assert "民族应为：回族" in home


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({}, "请至少勾选一项"),
        ({"wrong_ethnicity": "on"}, "请填写“民族”的正确信息"),
        ({"wrong_ethnicity": "on", "correct_ethnicity": "x" * 200}, "128"),
    ],
)
def test_a_discrepancy_without_fields_is_refused_with_a_message(client, student_user, campaign, student_a, data, error):
    client.force_login(student_user)
    response = client.post(reverse("student_discrepancy", args=[campaign.slug]), data)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert _check(student_a).status == Check.Status.PENDING


def test_a_reported_id_number_is_masked_when_shown(client, student_user, secretary_a, campaign, student_a):
    client.force_login(student_user)
    client.post(reverse("student_discrepancy", args=[campaign.slug]),
                {"wrong_id_number": "on", "correct_id_number": "110105200705120011"})  # fmt: skip
    assert "110105200705120011" not in client.get(reverse("student_home")).content.decode()
    client.force_login(secretary_a)
    assert (
        "110105200705120011"
        not in client.get(reverse("check_detail", args=[campaign.slug, student_a.pk])).content.decode()
    )


def test_the_login_problem_page_shows_the_registrars_help(client, student_user, campaign, student_a):
    campaign.login_help = "手机号已被注册：请找回用户名\n学籍未关联：请手动绑定"
    campaign.save()
    client.force_login(student_user)
    html = client.get(reverse("student_blocked", args=[campaign.slug])).content.decode()
    assert "手机号已被注册：请找回用户名" in html and "学籍未关联：请手动绑定" in html


@pytest.mark.parametrize(
    ("problem", "status", "reason"),
    [("phone_taken", "blocked", "phone_taken"), ("id_bound", "blocked", "id_bound"),
     ("not_linked", "blocked", "not_linked"), ("missing", "missing", "")],
)  # fmt: skip
def test_a_student_reports_a_login_problem(client, student_user, campaign, student_a, problem, status, reason):
    client.force_login(student_user)
    response = client.post(reverse("student_blocked", args=[campaign.slug]), {"problem": problem})
    assert response.status_code == 302
    check = _check(student_a)
    assert (check.status, check.blocked_reason) == (status, reason)


def test_other_problem_needs_a_description(client, student_user, campaign, student_a):
    client.force_login(student_user)
    response = client.post(reverse("student_blocked", args=[campaign.slug]), {"problem": "other"})
    assert "请简要说明" in response.content.decode()
    response = client.post(
        reverse("student_blocked", args=[campaign.slug]), {"problem": "other", "note": "验证码收不到"}
    )
    assert _check(student_a).detail == {"note": "验证码收不到"}


def test_a_student_changes_their_answer_while_the_window_is_open(client, student_user, campaign, student_a):
    client.force_login(student_user)
    client.post(reverse("student_blocked", args=[campaign.slug]), {"problem": "phone_taken"})
    client.post(reverse("student_confirm", args=[campaign.slug]))
    assert _check(student_a).status == Check.Status.CONFIRMED
    assert AuditEvent.objects.filter(action="check.set_status").count() == 2


def test_outside_the_window_the_student_sees_why_and_whom_to_contact(client, student_user, campaign, student_a):
    today = timezone.localdate()
    Campaign.objects.filter(pk=campaign.pk).update(
        opens_on=today - timedelta(days=20), closes_on=today - timedelta(days=1)
    )
    client.force_login(student_user)
    home = client.get(reverse("student_home")).content.decode()
    assert "截止" in home and "教学秘书" in home
    assert 'data-testid="action-confirm"' not in home
    response = client.post(reverse("student_confirm", args=[campaign.slug]))
    assert "截止" in _messages(response)
    response = client.post(reverse("student_blocked", args=[campaign.slug]), {"problem": "phone_taken"})
    assert "截止" in response.content.decode()
    assert _check(student_a).status == Check.Status.PENDING


def test_a_student_gets_404_for_campaigns_they_are_not_in(client, student_user, campaign, student_a):
    other = Campaign.objects.create(
        slug="other", name="其他", cohort=2025, opens_on=campaign.opens_on, closes_on=campaign.closes_on,
        state=Campaign.State.OPEN,
    )  # fmt: skip
    client.force_login(student_user)
    assert client.post(reverse("student_confirm", args=[other.slug])).status_code == 404
    Campaign.objects.filter(pk=campaign.pk).update(state=Campaign.State.DRAFT)
    assert client.post(reverse("student_confirm", args=[campaign.slug])).status_code == 404


# --- query counts: constant whatever the size -------------------------------------------


def _grow(campaign, college_a, college_b, n):
    for i in range(n):
        student = make_student(college_a if i % 2 else college_b, class_name=f"软件26{i % 5:02d}", major=f"专业{i % 3}")
        status = [Check.Status.PENDING, Check.Status.CONFIRMED, Check.Status.BLOCKED, Check.Status.MISSING][i % 4]
        make_check(
            campaign, student, status=status, set_at=timezone.now(),
            blocked_reason="other" if status == Check.Status.BLOCKED else "",
            completed_at=timezone.now() if status == Check.Status.CONFIRMED else None,
        )  # fmt: skip


LIST_PAGES = [
    ("registrar", "campaign_dashboard", lambda c, s: [c.slug], {}, 8),
    ("registrar", "campaign_checks", lambda c, s: [c.slug], {"status": "all"}, 6),
    ("registrar", "college_dashboard", lambda c, s: [c.slug, "A01"], {"status": "all"}, 8),
    ("secretary_a", "college_dashboard", lambda c, s: [c.slug, "A01"], {}, 8),
    ("secretary_a", "college_dashboard", lambda c, s: [c.slug, "A01"], {"q": "王", "status": "all"}, 8),
    ("secretary_a", "secretary_home", lambda c, s: [], {}, 5),
    ("registrar", "registrar_home", lambda c, s: [], {}, 3),
    ("secretary_a", "check_detail", lambda c, s: [c.slug, s.pk], {}, 5),
    ("student_user", "student_home", lambda c, s: [], {}, 4),
    ("student_user", "student_discrepancy", lambda c, s: [c.slug], {}, 3),
    ("student_user", "student_blocked", lambda c, s: [c.slug], {}, 3),
]


@pytest.mark.parametrize(("who", "name", "args", "params", "expected"), LIST_PAGES)
def test_pages_use_a_fixed_number_of_queries(
    client, request, campaign, college_a, college_b, student_a, student_b, who, name, args, params, expected,
    django_assert_num_queries,
):  # fmt: skip
    client.force_login(request.getfixturevalue(who))
    url = reverse(name, args=args(campaign, student_a))
    _grow(campaign, college_a, college_b, 6)
    with django_assert_num_queries(expected):
        assert client.get(url, params).status_code == 200
    _grow(campaign, college_a, college_b, 120)  # more students, more than one page of them
    from django.core.cache import cache

    cache.clear()
    with django_assert_num_queries(expected):
        assert client.get(url, params).status_code == 200


def test_cached_dashboards_skip_the_aggregate_queries(client, registrar, campaign, student_a, student_b):
    Check.objects.filter(student=student_b).update(status=Check.Status.MISSING, set_at=timezone.now())
    client.force_login(registrar)
    url = reverse("campaign_dashboard", args=[campaign.slug])
    client.get(url)
    with CaptureQueriesContext(connection) as warm:
        client.get(url)
    assert len(warm.captured_queries) == 6


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_exports_use_a_fixed_number_of_queries(
    client, secretary_a, campaign, college_a, college_b, student_a, fmt, django_assert_max_num_queries
):
    client.force_login(secretary_a)
    _grow(campaign, college_a, college_b, 60)
    url = reverse("college_export", args=[campaign.slug, "A01"])
    with django_assert_max_num_queries(6):
        response = client.get(url, {"format": fmt, "status": "all"})
        body = response.content if fmt == "xlsx" else b"".join(response.streaming_content)
    assert body
