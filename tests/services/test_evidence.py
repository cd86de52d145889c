"""Evidence uploads: decided by content, cleaned, refused with a reason, stored privately."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from selfcheck.models import Check, CorrectionEvidence
from selfcheck.services import evidence
from tests.factories import file_correction, png_bytes, upload


def _refused(name, content, match):
    with pytest.raises(evidence.EvidenceRefused, match=match):
        evidence.inspect(upload(name, content))


def _png_with_size(width: int, height: int) -> bytes:
    """A valid PNG header claiming huge dimensions over a tiny compressed body."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    body = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


def _pdf(active: str = "") -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if active == "names":
        script = DictionaryObject(
            {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert('x')")}
        )
        writer._root_object[NameObject("/Names")] = DictionaryObject(
            {NameObject("/JavaScript"): DictionaryObject(
                {NameObject("/Names"): ArrayObject([TextStringObject("x"), writer._add_object(script)])}
            )}
        )  # fmt: skip
    elif active == "open_js":
        writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
            {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")}
        )
    elif active == "launch":
        writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
            {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("calc.exe")}
        )
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_html_named_jpg_is_refused_by_its_content():
    _refused("photo.jpg", b"<html><script>alert(1)</script></html>", "不是 JPG、PNG 图片或 PDF")


def test_heic_photos_get_a_message_naming_the_formats_that_work():
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64
    _refused("IMG_0001.HEIC", heic, "HEIC.*JPG、PNG")


def test_an_oversize_file_is_refused():
    big = png_bytes() + b"\x00" * evidence.MAX_BYTES
    _refused("big.png", big, "超过 5 MB")


def test_a_pixel_bomb_is_refused_before_its_pixels_are_decoded():
    _refused("bomb.png", _png_with_size(60_000, 60_000), "尺寸过大")


@pytest.mark.parametrize("active", ["names", "open_js", "launch"])
def test_a_pdf_with_javascript_or_a_launch_action_is_refused(active):
    _refused("scan.pdf", _pdf(active), "脚本或自动执行")


def test_a_pdf_hiding_javascript_behind_escaped_names_is_refused():
    content = _pdf().replace(
        b"/Type /Catalog", b"/Type /Catalog /OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >>"
    )
    assert b"/J#61vaScript" in content
    _refused("scan.pdf", content, "脚本或自动执行")


def test_a_plain_pdf_is_kept_as_it_is():
    content = _pdf()
    clean = evidence.inspect(upload("户口簿.pdf", content))
    assert (clean.content, clean.content_type, clean.name) == (content, "application/pdf", "户口簿.pdf")


def test_a_broken_image_is_refused():
    _refused("half.png", png_bytes(40, 40)[:60], "无法作为图片打开")


def test_photos_are_re_encoded_without_their_metadata():
    image = Image.new("RGB", (30, 20), (10, 200, 10))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {2: (30.0, 10.0, 5.0)}  # GPS latitude
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    assert b"PhoneMaker" in buffer.getvalue()
    clean = evidence.inspect(upload("me.jpeg", buffer.getvalue()))
    assert clean.content_type == "image/jpeg" and clean.name == "me.jpg"
    assert b"PhoneMaker" not in clean.content and b"Exif" not in clean.content
    assert Image.open(io.BytesIO(clean.content)).size == (30, 20)


def test_a_png_html_polyglot_loses_its_payload():
    polyglot = png_bytes(8, 8) + b"<html><script>alert(document.cookie)</script></html>"
    clean = evidence.inspect(upload("x.png", polyglot))
    assert b"<script" not in clean.content and clean.content.startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../../etc/passwd.png", "passwd.png"),
        ("..\\..\\windows\\win.ini.png", "win.ini.png"),
        ("a" * 300 + ".png", "a" * 96 + ".png"),
        ("\x00\x1b[31mred.png", "[31mred.png"),
    ],
)
def test_names_are_cleaned_and_files_stored_under_random_names(student_a, name, expected):
    check = Check.objects.select_related("campaign", "student").get(student=student_a)
    correction = file_correction(check, files=[evidence.inspect(upload(name, png_bytes()))])
    stored = CorrectionEvidence.objects.get(request=correction)
    assert stored.original_name == expected
    path = Path(stored.file.path).resolve()
    assert path.is_relative_to(Path(settings.SELFCHECK_PRIVATE_DIR).resolve())
    assert not path.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert path.stem not in name and len(path.stem) == 32


def test_a_polyglot_uploaded_through_the_form_is_served_back_safely(client, student_a, campaign):
    polyglot = png_bytes(8, 8) + b"<html><script>alert(1)</script></html>"
    client.force_login(student_a.user)
    response = client.post(
        reverse("student_correction", args=[campaign.slug]),
        {"wrong_ethnicity": "on", "correct_ethnicity": "回族", "cause": "school_error", "evidence_kind": "other",
         "files": [upload("poly.html.png", polyglot, "text/html")]},
    )  # fmt: skip
    assert response.status_code == 302
    stored = CorrectionEvidence.objects.get()
    download = client.get(reverse("evidence_download", args=[stored.request_id, stored.pk]))
    body = b"".join(download.streaming_content)
    assert b"<script" not in body
    assert download["Content-Type"] == "image/png" and download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment")


def test_more_than_five_files_are_refused(client, student_a, campaign):
    client.force_login(student_a.user)
    response = client.post(
        reverse("student_correction", args=[campaign.slug]),
        {"wrong_ethnicity": "on", "correct_ethnicity": "回族", "cause": "school_error",
         "files": [upload(f"{i}.png", png_bytes()) for i in range(6)]},
    )  # fmt: skip
    assert "最多 5 个" in response.context["form"].errors["files"][0]


@pytest.mark.parametrize("seed", range(40))
def test_damaged_files_are_refused_never_crash(seed):
    import random

    rng = random.Random(seed)
    heads = [png_bytes(16, 16), _pdf(), b"\xff\xd8\xff\xe0" + bytes(rng.randrange(256) for _ in range(64))]
    content = bytearray(rng.choice(heads))
    for _ in range(rng.randrange(1, 12)):  # flip bytes past the signature
        content[rng.randrange(8, len(content))] = rng.randrange(256)
    content = bytes(content[: rng.randrange(12, len(content) + 1)])
    try:
        evidence.inspect(upload("x.bin", content))
    except evidence.EvidenceRefused:
        pass
