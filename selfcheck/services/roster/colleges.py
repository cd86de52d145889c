"""College names as files spell them: lookup through names, codes and aliases, and the
two ways staff resolve a name the portal does not know."""

from __future__ import annotations

import re

from django.db import IntegrityError, transaction

from selfcheck.models import COLLEGE_CODE_PATTERN, College, CollegeAlias, User
from selfcheck.services.audit import audit_record
from selfcheck.services.roster.normalize import clean, fold


def college_index() -> dict[str, int]:
    """Folded name, code or alias -> college id."""
    index: dict[str, int] = {}
    for pk, name, code in College.objects.values_list("pk", "name", "code"):
        index[fold(name)] = pk
        index.setdefault(fold(code), pk)
    for name, college_id in CollegeAlias.objects.values_list("name", "college_id"):
        index.setdefault(fold(name), college_id)
    return index


class CollegeMappingError(ValueError):
    pass


def roster_college_map(*, name: str, college: College, user: User | None, request=None) -> CollegeAlias:
    """Record ``name`` as another spelling of ``college``.

    Side effects: a CollegeAlias row and an audit event.
    """
    alias_name = clean(name)[:64]
    if not alias_name:
        raise CollegeMappingError("学院名称不能为空。")
    if fold(alias_name) in college_index():
        raise CollegeMappingError(f"“{alias_name}”已经对应到一个学院。")
    with transaction.atomic():
        alias = CollegeAlias.objects.create(college=college, name=alias_name)
        audit_record(
            actor=user,
            action="college.alias_add",
            target=college,
            changes={"alias": [None, alias_name]},
            request=request,
        )
    return alias


def roster_college_create(*, code: str, name: str, user: User | None, request=None) -> College:
    """Create a college that a roster names and the portal does not have yet.

    Side effects: a College row and an audit event.
    """
    code, name = clean(code), clean(name)[:64]
    if not code or not name:
        raise CollegeMappingError("学院代码和名称都不能为空。")
    if not re.match(COLLEGE_CODE_PATTERN, code):
        raise CollegeMappingError("学院代码只能包含字母、数字、下划线和连字符，最多16个字符。")
    if fold(name) in college_index():
        raise CollegeMappingError(f"学院“{name}”已经存在。")
    try:
        with transaction.atomic():
            college = College.objects.create(code=code, name=name)
            audit_record(
                actor=user, action="college.create", target=college, changes={"name": [None, name]}, request=request
            )
    except IntegrityError:
        raise CollegeMappingError(f"学院代码“{code}”已被使用。") from None
    return college


def parse_college_mapping(text: str) -> tuple[str, str]:
    """``名称=代码`` as the command line takes it."""
    name, sep, code = text.partition("=")
    name, code = clean(name), clean(code)
    if not sep or not name or not code:
        raise CollegeMappingError(f"学院对应应写成“名称=代码”：{text}")
    return name, code


def roster_colleges_apply(mappings: list[tuple[str, str]], *, create: bool, user: User | None) -> list[str]:
    """What the preview's college form does, for many names at once (the command line).

    Each ``(name, code)``: when ``code`` is an existing college's code (or name) the name
    becomes another spelling of it; otherwise, with ``create``, a new college ``code``
    named ``name``. Returns what was done, one line each. Side effects: CollegeAlias or
    College rows and one audit event each.
    """
    done = []
    for name, code in mappings:
        index = college_index()
        target = College.objects.filter(code=code).first() or College.objects.filter(name=code).first()
        if fold(name) in index:
            if target is not None and index[fold(name)] == target.pk:
                continue
            if target is None and create and College.objects.filter(pk=index[fold(name)], code=code).exists():
                continue
            raise CollegeMappingError(f"“{name}”已经对应到另一个学院。")
        if target is not None:
            roster_college_map(name=name, college=target, user=user)
            done.append(f"{name} → {target.code} {target.name}")
        elif create:
            college = roster_college_create(code=code, name=name, user=user)
            done.append(f"{name}：新建学院 {college.code}")
        else:
            raise CollegeMappingError(f"没有代码为“{code}”的学院；要新建它请加上 --create-colleges。")
    return done
