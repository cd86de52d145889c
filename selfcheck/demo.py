"""Realistic demo data: colleges, students with valid resident IDs, a running campaign.

Everything is drawn from one ``random.Random(seed)`` so the same seed gives the same
school. Rows are written in bulk so 100,000 students take well under a minute.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone
from stdnum.cn import ric

from selfcheck.counters import counts_rebuild
from selfcheck.models import Bulletin, Campaign, Check, College, CollegeAlias, Gender, Role, Student, User

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN_CHARS = (
    "伟芳娜秀敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华建文辉玲鹏宇浩然子涵梓轩欣怡思雨博文俊杰佳琪雨萱晨曦"
    "一诺可馨雅婷嘉怡紫涵宇航皓轩昊天泽宇铭浩睿哲诗琪梦瑶若曦书瑶语桐欣然天佑"
)
ETHNICITIES = ["汉族"] * 46 + ["回族", "满族", "壮族", "苗族", "土家族", "蒙古族", "维吾尔族", "藏族", "彝族", "朝鲜族"]
# Area codes of real counties, so stdnum accepts the generated numbers without warnings.
AREAS = (
    "110105", "110108", "120101", "130102", "140105", "210102", "220102", "230103", "310104", "310115",
    "320102", "320506", "330106", "340104", "350203", "360102", "370102", "410105", "420106", "430104",
    "440106", "440305", "450103", "500103", "510104", "520102", "530102", "610113", "620102", "650102",
)  # fmt: skip

COLLEGES = [
    ("01", "计算机科学与技术学院", ["计算机学院"], [("计算机科学与技术", "080901", "计科"), ("软件工程", "080902", "软件"), ("人工智能", "080717T", "智能")]),
    ("02", "电子信息工程学院", ["电信学院"], [("电子信息工程", "080701", "电信"), ("通信工程", "080703", "通信")]),
    ("03", "机械工程学院", ["机械学院"], [("机械设计制造及其自动化", "080202", "机设"), ("车辆工程", "080207", "车辆")]),
    ("04", "经济管理学院", ["经管学院"], [("会计学", "120203K", "会计"), ("市场营销", "120202", "营销"), ("国际经济与贸易", "020401", "国贸")]),
    ("05", "外国语学院", ["外院"], [("英语", "050201", "英语"), ("日语", "050207", "日语")]),
    ("06", "文学与新闻传播学院", ["文新学院"], [("汉语言文学", "050101", "汉文"), ("新闻学", "050301", "新闻")]),
    ("07", "数学与统计学院", ["数统学院"], [("数学与应用数学", "070101", "数学"), ("统计学", "071201", "统计")]),
    ("08", "化学化工学院", ["化工学院"], [("化学", "070301", "化学"), ("化学工程与工艺", "081301", "化工")]),
    ("09", "土木建筑工程学院", ["土建学院"], [("土木工程", "081001", "土木"), ("建筑学", "082801", "建筑")]),
    ("10", "艺术设计学院", ["艺术学院"], [("视觉传达设计", "130502", "视传"), ("环境设计", "130503", "环设")]),
    ("11", "法学院", [], [("法学", "030101K", "法学")]),
    ("12", "护理学院", [], [("护理学", "101101", "护理")]),
]  # fmt: skip

STATUS_WEIGHTS = (
    (Check.Status.CONFIRMED, 56),
    (Check.Status.DISCREPANCY, 4),
    (Check.Status.BLOCKED, 3),
    (Check.Status.MISSING, 1),
    (Check.Status.PENDING, 36),
)
BATCH = 5000


def resident_id(area: str, birth: date, serial: int, gender: str) -> str:
    """A GB 11643 number: the 17th digit is odd for men, even for women."""
    order = (serial % 500) * 2 + (1 if gender == Gender.MALE else 0)
    body = f"{area}{birth:%Y%m%d}{order:03d}"
    return body + ric.calc_check_digit(body + "0")


def current_cohort(today: date) -> int:
    return today.year if today.month >= 9 else today.year - 1


@dataclass
class DemoResult:
    colleges: int
    students: int
    password: str
    accounts: list[tuple[str, str]]


def seed_demo(
    *, students: int = 2000, seed: int = 2026, password: str = "demo12345",
    progress: Callable[[str], None] | None = None,
) -> DemoResult:  # fmt: skip
    """Fill an empty database with a demo school. Refuses if students already exist."""
    say = progress or (lambda message: None)
    if Student.objects.exists():
        raise ValueError("database already holds students; run with --reset to start over")
    rng = random.Random(seed)
    today = timezone.localdate()
    cohort = current_cohort(today)
    password_hash = make_password(password)  # hashed once: 100,000 hashes would take hours

    with transaction.atomic():
        colleges = _make_colleges()
        staff = _make_staff(colleges, password_hash)
        campaign = _make_campaign(today, cohort, staff[0])
        say(f"colleges: {len(colleges)}")
        made = 0
        used_ids: set[str] = set()
        for start in range(0, students, BATCH):
            count = min(BATCH, students - start)
            _make_student_batch(rng, colleges, campaign, cohort, start, count, password_hash, today, used_ids)
            made += count
            say(f"students: {made}/{students}")
        counts_rebuild([campaign.pk])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE selfcheck_student; ANALYZE selfcheck_check; ANALYZE selfcheck_user;")
    from selfcheck.demo_corrections import seed_corrections

    say(f"correction requests: {seed_corrections(campaign)}")
    accounts = [("registrar", "学籍科"), ("admissions", "招生办")] + [
        (f"sec-{college.code}", college.name) for college in colleges
    ]
    return DemoResult(colleges=len(colleges), students=students, password=password, accounts=accounts)


def reset_demo() -> None:
    """Remove everything seed_demo writes."""
    with transaction.atomic():
        Check.objects.all().delete()
        Bulletin.objects.all().delete()
        Campaign.objects.all().delete()
        Student.objects.all().delete()
        User.objects.filter(is_superuser=False).delete()
        User.objects.filter(username="registrar").delete()
        CollegeAlias.objects.all().delete()
        College.objects.all().delete()


def _make_colleges() -> list[College]:
    colleges = College.objects.bulk_create([College(code=code, name=name) for code, name, _, _ in COLLEGES])
    colleges = list(College.objects.order_by("code"))
    by_code = {c.code: c for c in colleges}
    CollegeAlias.objects.bulk_create(
        [CollegeAlias(college=by_code[code], name=alias) for code, _, aliases, _ in COLLEGES for alias in aliases]
    )
    return colleges


def _make_staff(colleges: list[College], password_hash: str) -> list[User]:
    registrar = User.objects.create(
        username="registrar", first_name="学籍科", role=Role.REGISTRAR, is_staff=True, is_superuser=True,
        password=password_hash,
    )  # fmt: skip
    admissions = User.objects.create(
        username="admissions", first_name="招生办", role=Role.ADMISSIONS, password=password_hash
    )
    secretaries = User.objects.bulk_create(
        [
            User(
                username=f"sec-{c.code}",
                first_name=f"{c.name}教学秘书",
                role=Role.SECRETARY,
                password=password_hash,
                phone=f"0571-8800 20{c.code}",
                office=f"教学楼 {c.code}0 室",
            )  # fmt: skip
            for c in colleges
        ]
    )
    secretaries = list(User.objects.filter(role=Role.SECRETARY).order_by("username"))
    through = User.colleges.through
    through.objects.bulk_create(
        [through(user_id=s.pk, college_id=c.pk) for s, c in zip(secretaries, colleges, strict=True)]
    )
    return [registrar, admissions, *secretaries]


def _make_campaign(today: date, cohort: int, registrar: User) -> Campaign:
    opens = today - timedelta(days=7)
    campaign = Campaign.objects.create(
        slug="demo",
        name=f"{cohort}级新生学籍自查",
        kind=Campaign.Kind.FRESHMAN,
        cohort=cohort,
        levels=["bk", "zsb"],
        opens_on=opens,
        closes_on=today + timedelta(days=8),
        target_rate=Decimal("100"),
        state=Campaign.State.OPEN,
        created_by=registrar,
        office_contact="学籍科 行政楼 203 室，电话 0571-8800 1234（工作日 8:30-17:00）",
        instructions=(
            "1. 登录学信网（学籍学历信息管理平台），进入“学信档案”—“高等教育信息”—“学籍”。\n"
            "2. 逐项核对姓名、性别、出生日期、证件号码、学院、专业、层次、学制、入学日期等信息。\n"
            "3. 核对无误请点击“核对无误”；信息有误请点击“信息有误”并写明正确信息；无法登录或查不到学籍请点击对应按钮。"
        ),
        login_help=(
            "手机号已被注册：使用“找回用户名”或更换手机号注册，仍无法解决请联系学信网客服。\n"
            "证件号码重复或已被绑定：通过“找回用户名”找回原账号，或联系学籍科协助申诉。\n"
            "学籍未关联：登录后在“学籍学历信息”中手动绑定，仍查不到请联系所在学院教学秘书。"
        ),
    )
    tz = timezone.get_current_timezone()
    Bulletin.objects.bulk_create(
        [
            Bulletin(campaign=campaign, sequence=1, title="第一次进度通报",
                     scheduled_at=datetime.combine(opens + timedelta(days=7), time(17, 0), tzinfo=tz)),
            Bulletin(campaign=campaign, sequence=2, title="第二次进度通报",
                     scheduled_at=datetime.combine(opens + timedelta(days=14), time(17, 0), tzinfo=tz)),
        ]
    )  # fmt: skip
    return campaign


def _random_name(rng: random.Random) -> str:
    given = rng.choice(GIVEN_CHARS) + (rng.choice(GIVEN_CHARS) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def _make_student_batch(rng, colleges, campaign, cohort, start, count, password_hash, today, used_ids) -> None:
    enrolled = date(cohort, 9, 1)
    students = []
    statuses, weights = zip(*STATUS_WEIGHTS, strict=True)
    for index in range(start, start + count):
        college_index = index % len(colleges)
        college = colleges[college_index]
        majors = COLLEGES[college_index][3]
        major, major_code, short = majors[(index // len(colleges)) % len(majors)]
        gender = Gender.MALE if rng.random() < 0.52 else Gender.FEMALE
        birth = date(cohort - 18, 9, 1) - timedelta(days=rng.randint(-400, 700))
        level = "zsb" if rng.random() < 0.08 else "bk"
        duration = Decimal("2") if level == "zsb" else Decimal("5") if major == "建筑学" else Decimal("4")
        student_no = f"{cohort}{college.code}{index + 1:06d}"
        area, serial = rng.choice(AREAS), index
        id_number = resident_id(area, birth, serial, gender)
        while id_number in used_ids:  # same county, birthday and order code: take the next code
            serial += 1
            id_number = resident_id(area, birth, serial, gender)
        used_ids.add(id_number)
        students.append(
            Student(
                student_no=student_no,
                exam_no=f"{cohort % 100:02d}{rng.randint(10, 65)}{rng.randint(10**9, 10**10 - 1)}",
                name=_random_name(rng),
                gender=gender,
                birth_date=birth,
                ethnicity=rng.choice(ETHNICITIES),
                id_number=id_number,
                college=college,
                major=major,
                major_code=major_code,
                class_name=f"{short}{cohort % 100:02d}{rng.randint(1, 4):02d}",
                level=level,
                duration=duration,
                enrolled_on=enrolled,
                expected_graduation=date(cohort + int(duration), 6, 30),
                cohort=cohort,
                phone=f"1{rng.choice('3578')}{rng.randint(0, 9)}{rng.randint(10**7, 10**8 - 1)}",
            )
        )
    users = User.objects.bulk_create(
        [User(username=s.student_no, first_name=s.name, role=Role.STUDENT, password=password_hash) for s in students],
        batch_size=BATCH,
    )
    if users[0].pk is None:  # backends that cannot return ids from a bulk insert
        ids = dict(User.objects.filter(username__in=[s.student_no for s in students]).values_list("username", "pk"))
        for user in users:
            user.pk = ids[user.username]
    for student, user in zip(students, users, strict=True):
        student.user_id = user.pk
    students = Student.objects.bulk_create(students, batch_size=BATCH)
    if students[0].pk is None:
        ids = dict(
            Student.objects.filter(student_no__in=[s.student_no for s in students]).values_list("student_no", "pk")
        )
        for student in students:
            student.pk = ids[student.student_no]
    days_open = max((today - campaign.opens_on).days, 0)
    tz = timezone.get_current_timezone()
    checks = []
    for student in students:
        status = rng.choices(statuses, weights)[0]
        check = Check(campaign=campaign, student_id=student.pk, college_id=student.college_id, status=status)
        if status != Check.Status.PENDING:
            day = campaign.opens_on + timedelta(days=min(int(rng.expovariate(0.35)), days_open))
            moment = datetime.combine(day, time(rng.randint(8, 22), rng.randint(0, 59)), tzinfo=tz)
            check.set_at = moment
            check.source = Check.Source.STUDENT
            if status in Check.DONE:
                check.completed_at = moment
            if status == Check.Status.BLOCKED:
                check.blocked_reason = rng.choice(list(Check.BlockedReason.values))
            if status == Check.Status.DISCREPANCY:
                check.detail = {"fields": {"ethnicity": "汉族"}, "note": "民族信息有误"}
        checks.append(check)
    Check.objects.bulk_create(checks, batch_size=BATCH)
