"""Template context every page may use: whom to contact when stuck.

Lazy, so pages that do not show the contacts run no query for them.
"""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from selfcheck import roles, selectors


def contacts(request):
    user = getattr(request, "user", None)

    def secretaries():
        if user is None or not roles.is_student(user):
            return []
        student = selectors.own_student(user)
        return selectors.secretaries_of(student) if student else []

    return {
        "office_contact": SimpleLazyObject(selectors.office_contact),
        "secretaries": SimpleLazyObject(secretaries),
    }
