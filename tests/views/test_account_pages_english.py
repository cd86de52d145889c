"""The new account pages speak English when English is chosen."""

import re

from django.conf import settings
from django.urls import reverse

HAN = re.compile(r"[\u4e00-\u9fff]")


def english_text(client, url, **kwargs):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(url, kwargs) if kwargs else client.get(url)
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    return main


def test_the_forgotten_password_page_is_english(client, db):
    main = english_text(client, reverse("reset_code_redeem"))
    assert "Forgot password" in main and "Set new password" in main
    assert not HAN.search(main)


def test_a_refused_code_is_explained_in_english(client, student_a):
    main = english_text(
        client,
        reverse("reset_code_redeem"),
        student_no=student_a.student_no,
        code="WRONGCODE2",
        password1="Eng-pass-2026",
        password2="Eng-pass-2026",
    )
    assert "invalid" in main and not HAN.search(main)


def test_the_issue_page_and_the_code_are_english(client, registrar, student_a):
    client.force_login(registrar)
    main = english_text(client, reverse("reset_code_issue"), student_no=student_a.student_no)
    assert "Reset code for" in main and "Valid for 24 hours" in main
    assert not HAN.search(main.replace(student_a.name, ""))


def test_the_lockout_page_is_english(client, registrar):
    client.force_login(registrar)
    main = english_text(client, reverse("lockout_list"))
    assert "Sign-in lockouts" in main and not HAN.search(main)


def test_an_activation_of_a_used_account_is_refused_in_english(client, student_a):
    main = english_text(
        client,
        reverse("student_activate"),
        student_no=student_a.student_no,
        id_number=student_a.id_number,
        name=student_a.name,
        password1="Eng-pass-2026",
        password2="Eng-pass-2026",
    )
    assert "already activated" in main and not HAN.search(main.replace(student_a.name, ""))
