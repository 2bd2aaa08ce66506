"""Text out of one user file, by extension. Each reader returns plain text (and an HTML <title> where
there is one) or raises InputError naming the file and the fix.

Encoding policy for text files: UTF-8 (a BOM is allowed) or UTF-16 with a BOM. Anything else is
refused with a message asking to re-save the file as UTF-8: guessing a legacy code page would silently
corrupt names and numbers, which matters more in law than a skipped file."""
from __future__ import annotations

import re
from pathlib import Path

from assistant.errors import InputError


def decode(data: bytes, path: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data[:8192]:
        raise InputError("looks like a binary file, not text; export it as .txt, .pdf or .docx", path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(
            f"is not valid UTF-8 (bad byte at offset {error.start}); re-save it as UTF-8 text", path
        ) from None


def read_text(path: Path, shown: str) -> str:
    return decode(path.read_bytes(), shown)


def read_html(path: Path, shown: str) -> tuple[str, str]:
    """Visible text (scripts and styles removed), one block per line; and the <title>."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(read_text(path, shown), "html.parser")
    for tag in soup(["script", "style", "noscript"]):
        tag.decompose()
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    if soup.title:
        soup.title.decompose()
    lines = (line.strip() for line in soup.get_text("\n").splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip(), title


def read_pdf(path: Path, shown: str) -> str:
    from pypdf import PdfReader

    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError("is password-protected; save an unprotected copy and add that instead", shown)
        text = "\n\n".join((page.extract_text() or "").strip() for page in reader.pages)
    except InputError:
        raise
    except Exception as error:  # pypdf raises many types on damaged files
        raise InputError(f"cannot be read as a PDF ({error}); re-export or re-download it", shown) from None
    if not text.strip():
        raise InputError("has no text layer (a scan?); run OCR on it (e.g. ocrmypdf) and add the result", shown)
    return text


def unpacked_size(path: Path) -> int:
    """Bytes a .docx (a zip) would inflate to; 0 when it is not a readable zip (read_docx reports that)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            return sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return 0


def read_docx(path: Path, shown: str) -> str:
    import docx

    try:
        document = docx.Document(str(path))
    except Exception as error:  # a damaged or mislabelled file: zip, XML or package errors
        raise InputError(f"cannot be read as a Word .docx file ({error}); re-save it from Word as .docx", shown) from None
    paragraphs = [p.text for p in document.paragraphs]
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n\n".join(t.strip() for t in paragraphs + cells if t.strip())
