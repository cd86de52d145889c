"""Column-by-column parsing gives what parsing each cell on its own gives."""

from datetime import date

from selfcheck.services.roster import columns as c
from selfcheck.services.roster import normalize as n
from selfcheck.services.roster.validate import PARSERS


def one_by_one(raws, parse):
    values = [c.cell_value(raw, parse) for raw in raws]
    bad = [i for i, value in enumerate(values) if value is c.BLANK or isinstance(value, n.CellError)]
    return values, bad


def same(left, right):
    """Values equal, errors equal by message."""
    assert len(left) == len(right)
    for a, b in zip(left, right, strict=True):
        if isinstance(a, n.CellError):
            assert isinstance(b, n.CellError) and a.message == b.message
        else:
            assert a == b and type(a) is type(b)


def test_a_repeating_column_is_parsed_once_per_value_and_matches_cell_by_cell():
    raws = ["2006-05-12", "2006.05.12", "", "  ", "2006-02-30", "2006-05-12", 20060512.0, "nonsense"]
    memo: dict = {}
    values, bad = c.column_values(raws, n.parse_date, memo)
    expected, expected_bad = one_by_one(raws, n.parse_date)
    same(values, expected)
    assert bad == expected_bad == [2, 3, 4, 7]
    assert values[0] == date(2006, 5, 12) and values[0] is values[5]
    assert len(memo) == 7  # the repeated text parsed once


def test_numbers_that_equal_true_are_not_taken_for_each_other():
    # True == 1 == 1.0 as dictionary keys: a column holding them is parsed cell by cell
    raws = [1.0, True, 1, "1"]
    values, bad = c.column_values(raws, n.text(10), {})
    same(values, one_by_one(raws, n.text(10))[0])
    assert values == ["1", "True", "1", "1"] and bad == []


def test_a_full_memo_falls_back_to_cell_by_cell():
    memo = {f"v{i}": f"v{i}" for i in range(c.MEMO_LIMIT)}
    values, bad = c.column_values(["本科", "", "博士"], n.level, memo)
    assert values == [n.level("本科"), c.BLANK, n.level("博士")]
    assert bad == [1] and len(memo) == c.MEMO_LIMIT


def test_a_batch_gives_records_in_column_order_and_the_blank_or_wrong_cells():
    spec = [
        ("student_no", 0, PARSERS["student_no"], None),
        ("gender", 1, PARSERS["gender"], {}),
        ("phone", 5, PARSERS["phone"], {}),  # beyond the short row: blank there
    ]
    batch = [
        (2, ["2026001", "男", "", "", "", "13800000000"]),
        (3, ["2026 002", "X"]),
        (4, ["", "女", "", "", "", " "]),
    ]
    rows = c.parse_batch(batch, spec)
    assert [number for number, _, _ in rows] == [2, 3, 4]
    assert rows[0][1] == {"student_no": "2026001", "gender": "M", "phone": "13800000000"} and rows[0][2] == []
    number, record, problems = rows[1]
    assert record == {"student_no": "2026002"}
    assert [key for key, _ in problems] == ["gender", "phone"]
    assert isinstance(problems[0][1], n.CellError) and problems[1][1] is c.BLANK
    assert rows[2][1] == {"gender": "F"} and [key for key, _ in rows[2][2]] == ["student_no", "phone"]
    assert list(rows[0][1]) == ["student_no", "gender", "phone"]
