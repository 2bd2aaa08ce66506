"""Bad input: read_folder never raises and names each unusable file; chunk() never raises nor passes the cap."""
from __future__ import annotations

import io
import os
import tempfile
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from assistant.chunking import chunk
from assistant.corpus import FileProblem, read_folder
from assistant.types import Document, Unit

SUFFIXES = [".txt", ".md", ".html", ".htm", ".jsonl", ".pdf", ".docx"]
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def accounted(folder: Path, docs, problems) -> dict[str, str]:
    """'doc' or 'problem' for every file in the folder; fails on a file that is neither, or both."""
    outcome = {}
    for file in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = file.relative_to(folder).as_posix()
        has_doc = any(d.id == name or d.id.startswith(name + "#") or d.id.startswith(name + ":") for d in docs)
        has_problem = any(p.path == name for p in problems)
        assert has_doc or has_problem, f"{name} was silently dropped"
        outcome[name] = "problem" if has_problem and not has_doc else "doc"
    for p in problems:
        assert isinstance(p, FileProblem) and p.message.strip()
    return outcome


def read(folder: Path, **kw):
    docs, problems = read_folder(folder, **kw)
    return docs, problems, accounted(folder, docs, problems)


# ---- random bytes in every format -----------------------------------------------------------------

files = st.lists(st.tuples(st.sampled_from(SUFFIXES), st.binary(max_size=3000)), min_size=1, max_size=6)


@FUZZ
@given(files)
def test_random_bytes_never_raise(items):
    with tempfile.TemporaryDirectory() as tmp:
        for i, (suffix, data) in enumerate(items):
            Path(tmp, f"f{i}{suffix}").write_bytes(data)
        docs, problems, outcome = read(Path(tmp))
        for name, data in ((f"f{i}{s}", d) for i, (s, d) in enumerate(items)):
            if not data.strip():
                assert outcome[name] == "problem"


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
                               st.sampled_from(["text", "id", "title", "date", "kind", "x"]), inner, max_size=4),
                           max_leaves=10)


@FUZZ
@given(st.lists(json_values, min_size=1, max_size=8), st.text(max_size=300))
def test_jsonl_and_html_shaped_garbage(rows, text):
    import json

    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "rows.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n{broken", encoding="utf-8")
        Path(tmp, "page.html").write_text(f"<html><title>{text}</title><body><p>{text}<div><script>{text}",
                                          encoding="utf-8")
        Path(tmp, "note.md").write_text(f"---\ndate: {text[:30]}\nkind: {text[:10]}\n---\n{text}", encoding="utf-8")
        docs, problems, _ = read(Path(tmp))
        assert any(p.path == "rows.jsonl" and "JSON" in p.message for p in problems)  # the broken last line


# ---- specific hostile files -----------------------------------------------------------------------


def docx_bytes(body_xml: str = "", extra: dict[str, bytes] | None = None) -> bytes:
    import docx

    buf = io.BytesIO()
    doc = docx.Document()
    doc.add_paragraph("PLACEHOLDER")
    doc.save(buf)
    with zipfile.ZipFile(buf) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    if body_xml:
        xml = parts["word/document.xml"].decode()
        parts["word/document.xml"] = xml.replace("<w:body>", "<w:body>" + body_xml).encode()
    parts.update(extra or {})
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return out.getvalue()


def blank_pdf() -> bytes:
    from pypdf import PdfWriter

    writer, buf = PdfWriter(), io.BytesIO()
    writer.add_blank_page(612, 792)
    writer.write(buf)
    return buf.getvalue()


def text_pdf(text: str = "Article 1. The State shall protect personal liberty.") -> bytes:
    """A one-page PDF with a real text layer (Helvetica), xref offsets computed."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (n, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


VALID = {".pdf": text_pdf, ".docx": lambda: docx_bytes("<w:p><w:r><w:t>Article 3. Liberty.</w:t></w:r></w:p>")}


def test_valid_pdf_and_docx_are_read(tmp_path):  # the controls for the mutation fuzz below
    for suffix, make in VALID.items():
        (tmp_path / f"ok{suffix}").write_bytes(make())
    docs, problems, _ = read(tmp_path)
    assert problems == [] and len(docs) == 2 and all("Article" in d.text for d in docs)


@FUZZ
@given(st.sampled_from(sorted(VALID)), st.integers(0, 10**6), st.integers(1, 64), st.binary(min_size=1, max_size=64),
       st.booleans())
def test_damaged_pdf_and_docx_never_raise(suffix, where, length, junk, truncate):
    data = bytearray(VALID[suffix]())
    at = where % len(data)
    if truncate:
        del data[at:]
    else:
        data[at : at + length] = junk
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, f"damaged{suffix}").write_bytes(bytes(data))
        read(Path(tmp))


def test_hostile_files_become_problems(tmp_path):
    good = "Article 1. The State shall protect personal liberty.\n"
    cases = {
        "cp1252.txt": "Café – naïve “quoted” § 5".encode("cp1252"),
        "shift_jis.md": "第一条 この法律は、国民の権利を定める。".encode("shift_jis"),
        "utf16_no_bom.txt": good.encode("utf-16-le"),
        "binary.txt": b"\x00\x01\x02" * 100,
        "scan.pdf": blank_pdf(),
        "truncated.pdf": b"%PDF-1.7\n1 0 obj << /Type /Catalog",
        "not_a_zip.docx": b"PK\x03\x04 broken",
        "empty.md": b"",
        "only_markup.html": b"<html><script>alert(1)</script><style>p{}</style></html>",
        "blank_lines.jsonl": b"\n\n   \n",
        "spreadsheet.xlsx": b"PK\x03\x04",
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
    (tmp_path / "good.txt").write_text(good, encoding="utf-8")
    (tmp_path / "utf16_bom.txt").write_bytes(good.encode("utf-16"))
    docs, problems, outcome = read(tmp_path)
    assert {n for n, o in outcome.items() if o == "problem"} == set(cases)
    assert {d.id for d in docs} == {"good.txt", "utf16_bom.txt"}
    messages = {p.path: p.message for p in problems}
    assert "UTF-8" in messages["cp1252.txt"] and "UTF-8" in messages["shift_jis.md"]
    assert "OCR" in messages["scan.pdf"] or "text layer" in messages["scan.pdf"]
    assert all(m.startswith(p) for p, m in messages.items())  # every message names its file


def test_huge_line_and_deep_html(tmp_path):
    (tmp_path / "one_line.txt").write_text("liberty " * 60_000 + "x" * 100_000, encoding="utf-8")
    (tmp_path / "deep.html").write_text("<html><body>" + "<div><span>" * 8000 + "deep text" + "</span></div>" * 8000,
                                        encoding="utf-8")
    docs, problems, outcome = read(tmp_path)
    assert outcome == {"deep.html": "doc", "one_line.txt": "doc"}
    cap = 64
    for doc in docs:
        pieces = chunk(doc, count_tokens=char_tokens, max_tokens=cap, max_words=60)
        assert pieces and max(char_tokens(p.text) for p in pieces) <= cap


def test_oversized_file_is_a_problem(tmp_path):
    (tmp_path / "big.txt").write_bytes(b"a " * 600_000)
    (tmp_path / "small.txt").write_text("Article 1. Short.", encoding="utf-8")
    docs, problems, outcome = read(tmp_path, max_bytes=1_000_000)
    assert outcome == {"big.txt": "problem", "small.txt": "doc"}
    assert "limit" in problems[0].message


def test_zip_bomb_docx_is_refused(tmp_path):
    para = "<w:p><w:r><w:t>" + "lorem ipsum " * 100 + "</w:t></w:r></w:p>"
    bomb = docx_bytes(para * 15_000, {"word/media/blob.bin": b"\0" * 30_000_000})
    assert len(bomb) < 400_000
    (tmp_path / "bomb.docx").write_bytes(bomb)
    docs, problems, outcome = read(tmp_path, max_bytes=1_000_000)
    assert outcome == {"bomb.docx": "problem"}


def test_docx_with_text_is_read(tmp_path):  # the control for the bomb: an ordinary docx is accepted
    (tmp_path / "ok.docx").write_bytes(docx_bytes("<w:p><w:r><w:t>Article 2. Equality.</w:t></w:r></w:p>"))
    docs, problems, _ = read(tmp_path, max_bytes=1_000_000)
    assert problems == [] and "Equality" in docs[0].text


# ---- links and names that try to leave the folder ---------------------------------------------------


def test_links_out_of_the_folder_are_not_read(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("SECRET salary list", encoding="utf-8")
    corpus = tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    (corpus / "a.txt").write_text("Article 1. Public text.", encoding="utf-8")
    os.symlink(outside / "secret.txt", corpus / "link.txt")
    os.symlink(outside, corpus / "sub" / "linked_dir")
    os.symlink("../../outside/secret.txt", corpus / "sub" / "relative.md")
    docs, problems = read_folder(corpus)
    assert all("SECRET" not in d.text for d in docs) and [d.id for d in docs] == ["a.txt"]
    assert {p.path for p in problems} == {"link.txt", "sub/relative.md"}
    assert all("outside" in p.message for p in problems)


hostile_names = st.one_of(
    st.text(max_size=60),
    st.lists(st.sampled_from(["..", ".", "/", "\\", "etc", "passwd", "C:", "~", "\x00", " ", "%2e%2e", "．．",
                              "／", ".txt", ".md", "con", "\u202e"]), max_size=10).map("".join),
)


@FUZZ
@given(hostile_names)
def test_safe_name_stays_in_the_folder(name):
    from ui.uploads import safe_name

    safe = safe_name(name)
    assert safe and not safe.startswith(".") and "/" not in safe and "\\" not in safe and "\x00" not in safe
    base = Path("/srv/uploads")
    assert (base / safe).resolve().parent == base and len(safe) <= 111


def test_save_uploads_cannot_escape(tmp_path):
    from ui.uploads import save_uploads

    folder = tmp_path / "home" / "uploads"
    names = ["../../escape.txt", "..\\..\\escape.md", "/etc/escape.txt", "～/.bashrc.txt", "..／..／escape.txt",
             "a/../../escape.txt", ".hidden.txt", "ok.txt"]
    saved = save_uploads([(n, b"Article 1. Text.") for n in names], folder)
    written = {p.resolve() for p in folder.rglob("*") if p.is_file()}
    assert {p.resolve() for p in saved.files} <= written and len(written) >= 1
    assert all(p.parent == folder.resolve() and not p.name.startswith(".") for p in written)
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == sorted(p.name for p in written)


# ---- chunk() ---------------------------------------------------------------------------------


def char_tokens(text: str) -> int:
    """A fake tokenizer much stricter than chunk()'s word estimate on long words: 1 token per 3 characters."""
    return len(text) // 3 + 1


pieces = st.one_of(st.text(min_size=1, max_size=80), st.sampled_from(
    ["\n\n", "\n", ". ", "。", "Article 5. ", "\nArt. 12A Title\n", "\n第十条 ", "\n제3조(목적) ", "\nChapter II\n",
     "\nPart III\n", "[12] ", "(3) ", "e.g. ", "v. ", "x" * 300, "word " * 80, "劳动合同" * 40, "；", ", "]))


@FUZZ
@given(st.lists(pieces, max_size=30).map("".join), st.sampled_from(["statute", "case", "other"]),
       st.integers(24, 120), st.integers(20, 120), st.integers(0, 3), st.booleans())
@example("\r", "case", 24, 20, 0, True)  # a blank case unit once gave a blank passage (its heading alone)
def test_chunk_never_raises_or_passes_the_cap(text, kind, max_tokens, max_words, overlap, with_units):
    units = tuple(Unit(f"Art. {i}", part, ("Part I", f"Art. {i}"), heading=part[:20])
                  for i, part in enumerate(text.split("\n\n"))) if with_units else ()
    doc = Document(id="d", kind=kind, jurisdiction="IN", language="en", title="T", citation="T",
                   text="" if with_units else text, units=units)
    for passage in chunk(doc, count_tokens=char_tokens, max_tokens=max_tokens, max_words=max_words,
                         overlap=overlap):
        assert passage.text.strip()
        assert char_tokens(passage.text) <= max_tokens, (len(passage.text), passage.text[:80])
