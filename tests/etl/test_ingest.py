"""Tests of reading files into articles (etl/ingest.py): formats, encodings and bad input."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import tracemalloc
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl.ingest import (
    MAX_ARTICLE_CHARS,
    article_id_for,
    clean_text,
    find_input_files,
    iter_articles,
)
from etl.records import Article, InputError

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seeds" / "000_0f3ca805edc1ce03.txt"
FIXTURES = ROOT / "tests" / "fixtures" / "ingest"
PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02"


def read_all(*paths: str | Path, **columns: str) -> list[Article | InputError]:
    return list(iter_articles(list(paths), **columns))


def only_article(*paths: str | Path, **columns: str) -> Article:
    items = read_all(*paths, **columns)
    assert len(items) == 1 and isinstance(items[0], Article), items
    return items[0]


def only_error(*paths: str | Path, **columns: str) -> InputError:
    items = read_all(*paths, **columns)
    assert len(items) == 1 and isinstance(items[0], InputError), items
    return items[0]


def by_path(items: list[Article | InputError]) -> dict[str, Article | InputError]:
    return {item.path.rsplit("/", 1)[-1]: item for item in items}


# --- the seed and the ids -------------------------------------------------------------------


def test_seed_article() -> None:
    article = only_article(SEED)
    assert article.path == str(SEED)
    assert (article.dateline, article.publisher, article.published) == (
        "Islamabad", "Dawn", date(2019, 10, 29),
    )
    assert article.text.startswith("ISLAMABAD: United States Special Envoy")
    assert "Published in Dawn" not in article.text
    assert article.sha256 == hashlib.sha256(article.text.encode()).hexdigest()
    assert article.article_id == article_id_for(article.text)


def test_article_id_is_stable_across_runs() -> None:
    # A golden value: changing the normalisation would re-key every stored article.
    assert only_article(SEED).article_id == "f87f751153eef067"
    assert article_id_for("Talks  in\r\nDoha ") == article_id_for("Talks in Doha")
    assert article_id_for("Talks in Doha") != article_id_for("Talks in Kabul")
    assert len(article_id_for("x")) == 16


def test_same_article_under_two_names_has_one_id(tmp_path: Path) -> None:
    shutil.copy(SEED, tmp_path / "a.txt")
    (tmp_path / "b.md").write_bytes(SEED.read_bytes().replace(b"\n", b"\r\n"))
    first, second = read_all(tmp_path)
    assert isinstance(first, Article) and isinstance(second, Article)
    assert first.article_id == second.article_id
    assert (first.path, second.path) == (str(tmp_path / "a.txt"), str(tmp_path / "b.md"))


# --- finding files --------------------------------------------------------------------------


def test_folders_are_searched_recursively_and_sorted(tmp_path: Path) -> None:
    for name in ("b.txt", "a/z.md", "a/y.html", "c/d/e.jsonl", "f.csv", "skip.pdf", ".hidden.txt",
                 ".git/x.txt", "notes.docx"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    files, errors = find_input_files([tmp_path])
    assert errors == []
    assert [f.relative_to(tmp_path).as_posix() for f in files] == [
        "a/y.html", "a/z.md", "b.txt", "c/d/e.jsonl", "f.csv",
    ]


def test_explicit_paths_missing_or_unsupported_are_errors(tmp_path: Path) -> None:
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    files, errors = find_input_files([pdf, tmp_path / "nope.txt"])
    assert files == []
    assert errors[0].path == str(pdf)
    assert "unsupported file type .pdf" in errors[0].error and ".jsonl" in errors[0].error
    assert errors[1] == InputError(str(tmp_path / "nope.txt"), "no such file or folder")


def test_a_file_named_twice_is_read_once(tmp_path: Path) -> None:
    shutil.copy(SEED, tmp_path / "seed.txt")
    files, _ = find_input_files([tmp_path / "seed.txt", tmp_path, str(tmp_path / "seed.txt")])
    assert files == [tmp_path / "seed.txt"]


def test_a_lone_string_path_is_not_split_into_characters() -> None:
    files, errors = find_input_files(str(SEED))  # type: ignore[arg-type]
    assert (files, errors) == ([SEED], [])


def test_symlink_loop_terminates(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    shutil.copy(SEED, tmp_path / "sub" / "seed.txt")
    (tmp_path / "sub" / "loop").symlink_to(tmp_path)
    (tmp_path / "sub" / "self").symlink_to(tmp_path / "sub")
    files, errors = find_input_files([tmp_path])
    assert (files, errors) == ([tmp_path / "sub" / "seed.txt"], [])


def test_broken_symlink_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "gone.txt").symlink_to(tmp_path / "missing.txt")
    (tmp_path / "gone.pdf").symlink_to(tmp_path / "missing.pdf")  # unsupported: ignored
    files, errors = find_input_files([tmp_path])
    assert files == []
    assert errors == [InputError(str(tmp_path / "gone.txt"),
                                 "broken symbolic link (its target does not exist)")]


# --- decoding and bad files -----------------------------------------------------------------

TEXT = "KABUL: Café talks – “peace” in Doha, said Mr Müller.\n"


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        TEXT.encode("utf-8-sig"),
        TEXT.encode("utf-16"),  # with BOM, native order
        b"\xff\xfe" + TEXT.encode("utf-16-le"),
        b"\xfe\xff" + TEXT.encode("utf-16-be"),
        TEXT.encode("utf-16-le"),  # no BOM: recognised by its NUL pattern
        TEXT.encode("utf-16-be"),
        TEXT.encode("utf-32"),
        TEXT.encode("cp1252"),  # Windows-1252: decoded, not skipped
    ],
    ids=["utf8", "utf8-sig", "utf16", "utf16le-bom", "utf16be-bom", "utf16le", "utf16be",
         "utf32", "cp1252"],
)
def test_encodings_are_decoded(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "article.txt"
    path.write_bytes(data)
    article = only_article(path)
    assert article.text == TEXT.strip()
    assert article.dateline == "Kabul"


def test_latin1_bytes_undefined_in_cp1252_fall_back_to_latin1(tmp_path: Path) -> None:
    path = tmp_path / "article.txt"
    path.write_bytes("DOHA: Talks \x81 ended in Zürich.".encode("latin-1"))
    assert only_article(path).text == "DOHA: Talks  ended in Zürich."  # \x81 is a control


def test_control_characters_are_removed(tmp_path: Path) -> None:
    path = tmp_path / "article.txt"
    path.write_bytes(b"KABUL: Leaders\x07 met\x1b.\r\nThey talked\x0cagain.\tOK\x7f")
    assert only_article(path).text == "KABUL: Leaders met.\nThey talked\nagain.\tOK"


def test_clean_text_keeps_newlines_and_tabs() -> None:
    assert clean_text("a\tb\nc\r\nd\re\u2028f\x00g\ud800h\ufeff") == "a\tb\nc\nd\ne\nfgh"


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("image.txt", PNG_HEADER + bytes(range(256)), "binary file (PNG image), not text"),
        ("doc.md", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "binary file (PDF document), not text"),
        ("page.html", b"PK\x03\x04\x14\x00\x06\x00",
         "binary file (ZIP archive or Office document), not text"),
        ("blob.txt", b"\x00\x01\x02\x03\xff\xfe\x00\x10" * 64,
         "binary file (contains NUL bytes), not text"),
        ("data.jsonl", PNG_HEADER, "binary file (PNG image), not text"),
        ("data.csv", b"\x1f\x8b\x08\x00\x00\x00", "binary file (gzip archive), not text"),
        ("empty.txt", b"", "empty file"),
        ("blank.md", b"  \n\t\r\n ", "empty file"),
        ("empty.jsonl", b"\n\n", "empty file"),
        ("empty.csv", b"", "empty file"),
        ("bom-only.txt", "\ufeff  \n".encode("utf-16"), "empty file"),
        ("only-header.txt", b"Title: x\nPublished in Dawn, October 29th, 2019\n",
         "no article text (only header or publication lines)"),
    ],
)
def test_bad_files_are_errors(tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    assert only_error(path) == InputError(str(path), reason)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root can read mode-000 files")
def test_unreadable_file_names_the_os_reason(tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text("KABUL: Leaders met.")
    path.chmod(0)
    try:
        assert only_error(path) == InputError(str(path), "cannot read file: Permission denied")
    finally:
        path.chmod(0o644)


@pytest.mark.parametrize("name", ["secret.txt", "secret.jsonl", "secret.csv"])
def test_unreadable_file_names_the_os_reason_even_as_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    # Root ignores file modes, so the OS refusal is simulated where the file is opened.
    path = tmp_path / name
    path.write_text("text\nKABUL: Leaders met.\n")

    def refuse(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refuse)
    monkeypatch.setattr(Path, "open", refuse)
    assert only_error(path) == InputError(str(path), "cannot read file: Permission denied")


def test_one_bad_file_does_not_stop_the_others(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(PNG_HEADER)
    shutil.copy(SEED, tmp_path / "b.txt")
    first, second = read_all(tmp_path)
    assert isinstance(first, InputError) and isinstance(second, Article)


# --- text formats ---------------------------------------------------------------------------


def test_header_lines_in_text_file() -> None:
    article = only_article(FIXTURES / "header_lines.txt")
    assert (article.title, article.publisher, article.published, article.dateline) == (
        "Envoy meets prime minister in Islamabad", "Dawn", date(2019, 10, 29), "Islamabad",
    )
    assert article.text.startswith("ISLAMABAD: The US special envoy")
    assert article.text.endswith("in Doha next month.")


def test_markdown_front_matter() -> None:
    article = only_article(FIXTURES / "front_matter.md")
    assert (article.title, article.publisher, article.published, article.dateline) == (
        "Talks resume in Doha", "Al Jazeera", date(2021, 3, 4), "Doha",
    )
    assert article.text.startswith("DOHA, Qatar — Negotiators")


def test_markdown_heading_and_copyright() -> None:
    article = only_article(FIXTURES / "heading_only.md")
    assert (article.title, article.publisher, article.dateline) == (
        "Foreign ministers meet in Moscow", "Reuters", "Moscow",
    )
    assert article.text == (
        "MOSCOW (Reuters) - The foreign ministers of Russia and China met in Moscow on Friday."
    )


def test_html_main_text_and_metadata() -> None:
    article = only_article(FIXTURES / "article.html")
    assert (article.title, article.publisher, article.published, article.dateline) == (
        "Envoy meets PM in Islamabad", "Dawn", date(2019, 10, 29), "Islamabad",
    )
    assert article.text.startswith("ISLAMABAD: United States Special Envoy")
    assert "quadrilateral talks" in article.text
    for boilerplate in ("Home", "Subscribe", "tracking", "color: black", "<p>"):
        assert boilerplate not in article.text


def test_html_without_body_text_is_an_error() -> None:
    path = FIXTURES / "script_only.html"
    assert only_error(path) == InputError(
        str(path), "no article text found (only markup, scripts or styles)"
    )


def test_html_declared_charset_is_honoured(tmp_path: Path) -> None:
    html = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=koi8-r">'
        "</head><body><article><p>МОСКВА: Министры встретились в пятницу.</p></article>"
        "</body></html>"
    )
    path = tmp_path / "page.htm"
    path.write_bytes(html.encode("koi8-r"))
    article = only_article(path)
    assert article.text == "МОСКВА: Министры встретились в пятницу."
    assert article.dateline == "Москва"


def test_short_html_article_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "short.html"
    path.write_text("<html><body><p>KABUL: The envoy met the president.</p></body></html>")
    assert only_article(path).text == "KABUL: The envoy met the president."


# --- JSONL ----------------------------------------------------------------------------------


def test_jsonl_records() -> None:
    items = read_all(FIXTURES / "records.jsonl")
    jsonl = f"{FIXTURES / 'records.jsonl'}"
    assert [item.path for item in items] == [f"{jsonl}#L{n}" for n in (1, 2, 4, 5, 6, 7)]
    first, second, malformed, empty, not_object, paragraphs = items
    assert isinstance(first, Article)
    assert (first.title, first.publisher, first.published, first.dateline) == (
        "Envoy meets PM", "Dawn", date(2019, 10, 29), "Islamabad",
    )
    assert first.text == "ISLAMABAD: The envoy met the prime minister on Monday."
    assert isinstance(second, Article)  # keys found per record, whatever their case
    assert (second.title, second.published, second.publisher) == (
        "Talks in Doha", date(2020, 2, 29), "aljazeera.com",  # publisher from the URL
    )
    assert malformed == InputError(f"{jsonl}#L4", "invalid JSON (Expecting value at column 99)")
    assert empty == InputError(f"{jsonl}#L5", "empty text in column 'text'")
    assert not_object == InputError(f"{jsonl}#L6", "expected a JSON object, got a list")
    assert isinstance(paragraphs, Article)
    assert paragraphs.text == (
        "KABUL, Afghanistan — The president met the envoy.\n\nThey discussed the talks."
    )
    assert paragraphs.published == date(2019, 10, 29)  # a Unix timestamp


def test_jsonl_record_fields_win_over_text(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    record = {"body": "Title: From text\nDOHA: Talks.\nPublished in Dawn, October 29th, 2019",
              "headline": "From record", "pubdate": "2020-01-02", "outlet": "The Nation"}
    path.write_text(json.dumps(record))
    article = only_article(path)
    assert (article.title, article.publisher, article.published, article.dateline) == (
        "From record", "The Nation", date(2020, 1, 2), "Doha",
    )
    assert article.text == "DOHA: Talks."


def test_jsonl_without_text_key_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text('{"id": 1, "summary": "x"}\n{"id": 2, "summary": "y"}\n')
    error = only_error(path)
    assert error.path == str(path)
    assert "columns: id, summary" in error.error and "--text-column" in error.error


def test_jsonl_column_overrides(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({"summary": "KABUL: Leaders met.", "kicker": "Meeting",
                                "when": "3 March 2021", "org": "Ariana"}) + "\n")
    article = only_article(path, text_column="summary", title_column="kicker",
                           published_column="when", source_column="org")
    assert (article.text, article.title, article.published, article.publisher) == (
        "KABUL: Leaders met.", "Meeting", date(2021, 3, 3), "Ariana",
    )


def test_jsonl_missing_override_column_names_the_option(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text('{"text": "KABUL: Leaders met."}\n')
    error = only_error(path, title_column="kicker")
    assert error.error == "column 'kicker' (from --title-column) not found; columns: text"


def test_jsonl_odd_lines_never_raise(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    lines = ['{"text": "KABUL: ok."}', "[" * 100_000 + "]" * 100_000, '"just a string"',
             '{"text": {"nested": 1}}', '{"text": "\\ud800 DOHA: lone surrogate."}',
             '{"text": 12345}', "9" * 5000]
    path.write_text("\n".join(lines), encoding="utf-8")
    items = read_all(path)
    assert [type(i).__name__ for i in items] == [
        "Article", "InputError", "InputError", "InputError", "Article", "InputError",
        "InputError",
    ]  # a bare number is no article: "no words"
    assert items[4].text == "DOHA: lone surrogate."  # type: ignore[union-attr]
    assert items[3].error == "column 'text': text is a JSON dict, not a string"  # type: ignore[union-attr]


PROSE = ("LAKEPORT, Estavia — The fisheries ministers of the two coastal states met on "
         "Tuesday to settle the quota for the coming season, officials said. They agreed to "
         "meet again in the spring and to share the data of their research vessels.")


def test_jsonl_feed_field_names_and_rfc_2822_dates(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    record = {"headline": "Quota deal", "body": PROSE, "pubDate": "Tue, 02 Mar 2021 09:12:00 GMT",
              "outlet": "Inland Wire"}
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    article = only_article(path)
    assert (article.title, article.published, article.publisher, article.dateline) == (
        "Quota deal", date(2021, 3, 2), "Inland Wire", "Lakeport")


def test_jsonl_text_under_an_unknown_key_is_found_as_prose(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    record = {"id": "x" * 300, "contenu": PROSE, "lien": "https://example.org/a/1"}
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    assert only_article(path).text == PROSE  # not the long id: it is not words


def test_jsonl_with_only_short_values_is_still_an_error(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text(json.dumps({"note": "short", "code": "y" * 500}) + "\n", encoding="utf-8")
    assert "no text column found" in only_error(path).error


def test_csv_export_with_story_column_and_iso_offset_dates(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        "headline,story,date_published,outlet\n"
        f'Quota deal,"{PROSE}",2021-03-02T23:30:00-05:00,Inland Wire\n'
        f'Second deal,"{PROSE}",2021-03-04T08:00:00+01:00,Coast Post\n', encoding="utf-8")
    first, second = read_all(path)
    assert isinstance(first, Article) and isinstance(second, Article)
    assert (first.title, first.published, first.publisher) == (
        "Quota deal", date(2021, 3, 2), "Inland Wire")  # the date as written, not UTC's
    assert (second.path, second.published) == (f"{path}#row2", date(2021, 3, 4))


def test_csv_text_column_with_an_unknown_name_is_found_as_prose(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    rows = "".join(f'{n},Deal {n},"{PROSE}"\n' for n in range(1, 31))  # more than read ahead
    path.write_text("id,heading,txt_main\n" + rows, encoding="utf-8")
    items = read_all(path)
    assert len(items) == 30 and all(isinstance(i, Article) and i.text == PROSE for i in items)
    assert isinstance(items[0], Article) and items[0].title == "Deal 1"


def test_html_date_only_in_a_time_element_or_json_ld(tmp_path: Path) -> None:
    body = "<p>LAKEPORT — The fisheries ministers met on Tuesday to settle the quota.</p>"
    time_page = tmp_path / "time.html"
    time_page.write_text(
        "<html><head><title>Quota deal</title></head><body><article><h1>Quota deal</h1>"
        '<time datetime="2021-03-02T16:40:00+04:00">02.03.2021</time>'
        f"{body}</article></body></html>", encoding="utf-8")
    ld_page = tmp_path / "ld.html"
    ld_page.write_text(
        '<html><head><script type="application/ld+json">{"@context": "https://schema.org", '
        '"@type": "NewsArticle", "headline": "Quota deal", '
        '"datePublished": "2021-03-02T07:30:00+03:00"}</script></head>'
        f"<body><article>{body}</article></body></html>", encoding="utf-8")
    for path in (time_page, ld_page):
        article = only_article(path)
        assert (article.published, article.dateline) == (date(2021, 3, 2), "Lakeport"), path


def test_jsonl_utf16_and_latin1_lines(tmp_path: Path) -> None:
    utf16 = tmp_path / "a.jsonl"
    utf16.write_bytes('{"text": "KABUL: Café talks."}\n'.encode("utf-16"))
    assert only_article(utf16).text == "KABUL: Café talks."
    mixed = tmp_path / "b.jsonl"
    mixed.write_bytes('{"text": "DOHA: Zürich."}\n'.encode("cp1252")
                      + '{"text": "DOHA: Zürich."}\n'.encode())
    first, second = read_all(mixed)
    assert first.text == second.text == "DOHA: Zürich."  # type: ignore[union-attr]


# --- CSV ------------------------------------------------------------------------------------


def test_csv_records() -> None:
    csv_path = FIXTURES / "records.csv"
    first, empty, third = read_all(csv_path)
    assert isinstance(first, Article)
    assert first.path == f"{csv_path}#row1"
    assert (first.title, first.publisher, first.published, first.dateline) == (
        "Envoy meets PM", "Dawn", date(2019, 10, 29), "Islamabad",
    )
    assert first.text == (
        "ISLAMABAD: The envoy met the prime minister on Monday.\n"
        "The two sides agreed to meet again."
    )
    assert empty == InputError(f"{csv_path}#row2", "empty text in column 'Body'")
    assert isinstance(third, Article) and third.path == f"{csv_path}#row3"


def test_csv_semicolon_delimited() -> None:
    article = only_article(FIXTURES / "semicolon.csv")
    assert (article.title, article.text) == (
        "Moscow meeting", "MOSCOW (Reuters) - Diplomats met; they agreed to meet again.",
    )


def test_csv_without_text_column_is_one_error() -> None:
    path = FIXTURES / "no_text_column.csv"
    assert only_error(path) == InputError(
        str(path),
        "no text column found (none named text, body, content, article, article_text, "
        "full_text, … and none of long prose); columns: id, headline, summary. "
        "Name the column holding the article text with --text-column",
    )
    assert only_article(path, text_column="SUMMARY").text == "The envoy met the prime minister."


def test_csv_with_a_10mb_cell(tmp_path: Path) -> None:
    body = "KABUL: " + "The envoy met the president again. " * 300_000
    assert len(body) > 10_000_000
    path = tmp_path / "big.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        out.write('title,text\nBig,"' + body + '"\nSmall,"DOHA: Talks."\n')
    *parts, small = read_all(path)
    n = -(-len(body) // MAX_ARTICLE_CHARS)  # parts of at most MAX_ARTICLE_CHARS, cut at sentences
    assert len(parts) in (n, n + 1) and all(isinstance(p, Article) for p in parts)
    assert [p.path for p in parts] == [f"{path}#row1#part{k}" for k in range(1, len(parts) + 1)]
    assert " ".join(p.text for p in parts) == body.strip()  # type: ignore[union-attr]
    assert isinstance(small, Article) and small.path == f"{path}#row2"


def test_csv_latin1_and_utf16(tmp_path: Path) -> None:
    latin = tmp_path / "latin.csv"
    latin.write_bytes("text\nKABUL: Café talks.\n".encode("latin-1"))
    assert only_article(latin).text == "KABUL: Café talks."
    utf16 = tmp_path / "utf16.csv"
    utf16.write_bytes('Text,Title\r\n"KABUL: Café talks.\r\nSecond line.",T\r\n'.encode("utf-16"))
    article = only_article(utf16)
    assert (article.text, article.title) == ("KABUL: Café talks.\nSecond line.", "T")


# --- streaming and robustness ---------------------------------------------------------------


@pytest.mark.slow  # writes and reads a large JSONL file (2-6 s)
def test_jsonl_is_streamed_with_flat_memory(tmp_path: Path) -> None:
    path = tmp_path / "many.jsonl"
    paragraph = "KABUL: The envoy met the president and discussed the peace talks. " * 30
    with path.open("w", encoding="utf-8") as out:
        for n in range(5000):
            out.write(json.dumps({"text": f"{paragraph} Article {n}."}) + "\n")
    size = path.stat().st_size
    assert size > 10_000_000
    tracemalloc.start()
    try:
        count = sum(isinstance(item, Article) for item in iter_articles([path]))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 5000
    assert peak < size / 10  # one record at a time, not the whole file


def test_iter_articles_is_lazy(tmp_path: Path) -> None:
    shutil.copy(SEED, tmp_path / "a.txt")
    stream = iter_articles([tmp_path])
    (tmp_path / "b.txt").write_text("KABUL: Added after the call.")  # found when first read
    assert next(stream).path == str(tmp_path / "a.txt")
    assert [item.path for item in stream] == [str(tmp_path / "b.txt")]


SUFFIXES = [".txt", ".md", ".html", ".jsonl", ".csv"]
BYTES = st.one_of(
    st.binary(max_size=400),
    st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.lists(st.sampled_from([b"text,title\n", b'{"text": "KABUL: x"}\n', b"\xff\xfe", b"\x00",
                              b"<p>DOHA: y</p>", b'"', b"\r\n", b"Published in Dawn, 1 May 2020",
                              b"\xef\xbb\xbf", b"ISLAMABAD: ", b"\x89PNG\r\n\x1a\n"]),
             max_size=8).map(b"".join),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=BYTES, suffix=st.sampled_from(SUFFIXES))
def test_arbitrary_bytes_never_raise(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"input{suffix}"
        path.write_bytes(data)
        for item in iter_articles([path]):
            assert isinstance(item, Article | InputError)
            assert item.path.startswith(str(path))
            if isinstance(item, Article):
                assert item.text and item.text == item.text.strip()
                assert item.article_id == article_id_for(item.text)
                assert item.sha256 == hashlib.sha256(item.text.encode()).hexdigest()
                assert clean_text(item.text) == item.text
            else:
                assert item.error
