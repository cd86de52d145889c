from selfcheck.text import normalize_text


def test_normalize_text_folds_full_width_and_trims():
    assert normalize_text("\u3000ＡＢ１２３ 　") == "AB123"
