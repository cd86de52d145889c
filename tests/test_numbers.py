"""Numbers as people write them."""

from decimal import Decimal

import pytest

from selfcheck.numbers import percent, plain_number
from selfcheck.record import RECORD_FIELDS, record_rows
from tests.factories import make_student


@pytest.mark.parametrize(
    ("value", "text"), [(Decimal("4.0"), "4"), (Decimal("2.5"), "2.5"), (Decimal("10"), "10"), (Decimal("0.50"), "0.5")]
)
def test_plain_number_drops_trailing_zeros(value, text):
    assert plain_number(value) == text


def test_percent_keeps_at_most_one_decimal():
    assert percent(Decimal("100.00")) == "100%" and percent(Decimal("87.25")) == "87.3%"


@pytest.mark.django_db
def test_the_record_shows_the_duration_as_written(college_a):
    student = make_student(college_a, duration=Decimal("4.0"))
    assert record_rows(student)[RECORD_FIELDS.index("duration")][1] == "4"
    student.duration = Decimal("2.5")
    assert record_rows(student)[RECORD_FIELDS.index("duration")][1] == "2.5"


def test_the_correction_pages_show_the_duration_as_written():
    from selfcheck.services.correction_fields import display_value

    assert display_value("duration", "4.0") == "4" and display_value("duration", "2.50") == "2.5"
    assert display_value("duration", "四年") == "四年"
