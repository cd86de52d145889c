from selfcheck.masking import mask_id_number, mask_phone


def test_mask_id_number_shows_the_last_four():
    assert mask_id_number("110105200705120071") == "**************0071"
    assert mask_id_number("") == ""


def test_mask_phone_hides_the_middle():
    assert mask_phone("13800138000") == "138****8000"
