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
