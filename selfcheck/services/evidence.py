"""Evidence files of correction requests: what is accepted, how it is cleaned and stored.

- At most ``MAX_FILES`` files per request, each at most ``MAX_BYTES``.
- The type is decided by the content, never by the name or the browser's claim:
  JPEG and PNG are opened with Pillow (dimensions checked before any pixel is
  decoded), re-encoded and so stripped of metadata and of anything appended to
  them; PDF is recognised by its signature and parsed with pypdf, and refused if it
  carries JavaScript or launch actions. Anything else (HEIC photos included) is
  refused with a message naming the formats that work.
- Files are stored under random names in the private storage; the original name is
  kept, cleaned, only to name the download.
"""

from __future__ import annotations

import io
import logging
import os
import re
import secrets
import unicodedata
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from selfcheck.models import CorrectionEvidence, CorrectionRequest, User

logger = logging.getLogger(__name__)
MAX_FILES = 5
MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 48-megapixel phone photo is ~8000x6000; a bomb is far beyond
NAME_MAX = 100
PDF_NODE_LIMIT = 50_000
# Names of PDF keys and action types that run code or programs.
PDF_ACTIVE = {"/JavaScript", "/JS", "/Launch", "/RichMedia", "/EmbeddedFile", "/XFA"}


class EvidenceRefused(ValueError):
    """A file that is not accepted; the message names the file and the reason."""


@dataclass(frozen=True)
class CleanFile:
    name: str  # the cleaned original name, for the download
    content: bytes
    extension: str
    content_type: str


def formats_hint() -> str:
    return _("可上传 JPG、PNG 照片或 PDF 文件，每个不超过 5 MB，最多 5 个。")


def clean_name(raw: str, extension: str) -> str:
    """The last path component, without control characters, at most NAME_MAX long."""
    name = re.split(r"[\\/]", raw or "")[-1]
    name = "".join(ch for ch in unicodedata.normalize("NFC", name) if unicodedata.category(ch)[0] != "C")
    stem = os.path.splitext(name)[0].strip(" .") or "evidence"
    return stem[: NAME_MAX - len(extension) - 1] + "." + extension


def inspect(upload) -> CleanFile:
    """Read an uploaded file and return it cleaned, or raise ``EvidenceRefused``."""
    shown = clean_name(getattr(upload, "name", ""), "x")[:-2]
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise EvidenceRefused(_("“%(name)s”超过 5 MB，请压缩或拍摄清晰但较小的照片。") % {"name": shown})
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise EvidenceRefused(_("“%(name)s”超过 5 MB，请压缩或拍摄清晰但较小的照片。") % {"name": shown})
    if not data:
        raise EvidenceRefused(_("“%(name)s”是空文件。") % {"name": shown})
    head = data[:32]
    if head.startswith(b"\xff\xd8\xff") or head.startswith(b"\x89PNG\r\n\x1a\n"):
        return _clean_image(data, upload.name, shown)
    if head.lstrip()[:5] == b"%PDF-" and data.find(b"%PDF-", 0, 1024) >= 0:
        return _clean_pdf(data, upload.name, shown)
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"hevc", b"heim", b"heis", b"avif"):
        raise EvidenceRefused(
            _(
                "“%(name)s”是 HEIC/HEIF 格式（苹果手机默认的照片格式），无法查看。%(hint)s 在 iPhone 上可在“设置 › 相机 › 格式”中选“兼容性最佳”后重拍，或截图后上传。"
            )
            % {"name": shown, "hint": formats_hint()}
        )
    raise EvidenceRefused(
        _("“%(name)s”不是 JPG、PNG 图片或 PDF 文件（按文件内容判断，与扩展名无关）。%(hint)s")
        % {"name": shown, "hint": formats_hint()}
    )


def _clean_image(data: bytes, raw_name: str, shown: str) -> CleanFile:
    unreadable = _("“%(name)s”无法作为图片打开，可能已损坏。") % {"name": shown}
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in ("JPEG", "PNG"):
                raise EvidenceRefused(unreadable)
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise EvidenceRefused(
                    _("“%(name)s”的尺寸过大（%(w)d×%(h)d 像素），请上传普通照片。")
                    % {"name": shown, "w": width, "h": height}
                )
            image.load()
            image = ImageOps.exif_transpose(image)  # phones store rotation in metadata we drop
            is_jpeg = image.format == "JPEG" if image.format else data.startswith(b"\xff\xd8")
            out = io.BytesIO()
            if is_jpeg:
                image.convert("RGB").save(out, format="JPEG", quality=88, optimize=True)
                return CleanFile(clean_name(raw_name, "jpg"), out.getvalue(), "jpg", "image/jpeg")
            if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
                image = image.convert("RGBA")
            image.save(out, format="PNG", optimize=True)
            return CleanFile(clean_name(raw_name, "png"), out.getvalue(), "png", "image/png")
    except EvidenceRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise EvidenceRefused(_("“%(name)s”的尺寸过大，请上传普通照片。") % {"name": shown}) from None
    except Exception:  # a damaged or hostile file may fail anywhere in the decoder
        logger.info("evidence image refused as unreadable", exc_info=True)
        raise EvidenceRefused(unreadable) from None


def _clean_pdf(data: bytes, raw_name: str, shown: str) -> CleanFile:
    unreadable = _("“%(name)s”无法作为 PDF 打开，可能已损坏。") % {"name": shown}
    active = _("“%(name)s”含有脚本或自动执行的动作，不能接收。请打印为普通 PDF 或拍照后上传。") % {"name": shown}
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise EvidenceRefused(_("“%(name)s”已加密，请上传未加密的 PDF。") % {"name": shown})
        if _has_active_content(reader):
            raise EvidenceRefused(active)
        if len(reader.pages) < 1:
            raise EvidenceRefused(unreadable)
    except EvidenceRefused:
        raise
    except Exception:  # pypdf on a damaged or hostile file may fail anywhere
        logger.info("evidence PDF refused as unreadable", exc_info=True)
        raise EvidenceRefused(unreadable) from None
    return CleanFile(clean_name(raw_name, "pdf"), data, "pdf", "application/pdf")


def _has_active_content(reader: PdfReader) -> bool:
    """Walk every object reachable from the trailer looking for code or launch actions."""
    seen: set[tuple[int, int]] = set()
    stack = [reader.trailer]
    nodes = 0
    while stack:
        node = stack.pop()
        nodes += 1
        if nodes > PDF_NODE_LIMIT:
            return True  # too tangled to be a scan; refuse rather than guess
        if isinstance(node, IndirectObject):
            key = (node.idnum, node.generation)
            if key in seen:
                continue
            seen.add(key)
            node = node.get_object()
        if isinstance(node, DictionaryObject):
            if PDF_ACTIVE & set(node.keys()):
                return True
            if node.get("/S") in ("/JavaScript", "/Launch", "/ImportData", "/SubmitForm"):
                return True
            stack.extend(node.values())
        elif isinstance(node, ArrayObject):
            stack.extend(node)
    return False


def evidence_store(
    correction: CorrectionRequest, files: list[CleanFile], *, kind: str, by: User | None
) -> list[CorrectionEvidence]:
    """Save cleaned files of one request under random names (caller holds the transaction)."""
    if correction.evidence.count() + len(files) > MAX_FILES:
        raise EvidenceRefused(_("每个申请最多 %(max)d 个证明材料。") % {"max": MAX_FILES})
    if kind not in CorrectionEvidence.Kind.values:
        kind = CorrectionEvidence.Kind.OTHER
    stored = []
    for clean in files:
        evidence = CorrectionEvidence(
            request=correction,
            kind=kind,
            original_name=clean.name,
            content_type=clean.content_type,
            size=len(clean.content),
            uploaded_by=by,
        )
        evidence.file.save(f"{secrets.token_hex(16)}.{clean.extension}", ContentFile(clean.content), save=False)
        evidence.save()
        stored.append(evidence)
    return stored
