"""Files → a stream of ``Article | InputError``: the input edge of the ETL.

Users bring whatever they have: loose .txt/.md files, saved web pages, JSONL or CSV exports of
news databases, in any of the encodings Windows and the web produce. This module turns all of
it into ``Article`` records, one file (and one JSONL/CSV record) at a time so memory stays flat
on millions of articles, and turns every file or record it cannot use into an ``InputError``
that names the file (and line or row) and says what to do. Nothing raises for bad input.

Metadata found in the text itself (dateline, "Published in …" lines, headers) is parsed by the
pure functions of ``etl.metadata``; this module only does the I/O and decoding around them.
"""

from __future__ import annotations

import codecs
import csv
import functools
import hashlib
import io
import itertools
import json
import os
import re
import stat
import sys
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from etl.metadata import parse_date, parse_metadata, rule
from etl.records import Article, InputError

__all__ = [
    "SUPPORTED_SUFFIXES",
    "Columns",
    "article_id_for",
    "clean_text",
    "decode_bytes",
    "find_input_files",
    "iter_articles",
    "part_bounds",
    "read_file",
    "split_long_text",
]

# suffix → reader; .markdown and .ndjson are common spellings of .md and .jsonl
SUPPORTED_SUFFIXES: Mapping[str, str] = {
    ".txt": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
}
# Column names recognised case-insensitively, in order of preference (etl/rules/metadata.toml).
TEXT_COLUMNS = rule("columns", "text") or ("text", "body", "content")
TITLE_COLUMNS = rule("columns", "title") or ("title", "headline")
PUBLISHED_COLUMNS = rule("columns", "published") or ("published", "date")
SOURCE_COLUMNS = rule("columns", "source") or ("source", "publisher")
URL_COLUMNS = rule("columns", "url") or ("url", "link")
# With no known text column, the column of long prose is the text: values this long on
# average, and mostly words (letters and spaces, not ids, URLs, numbers, JSON or base64).
PROSE_MIN_CHARS = 200
PROSE_MIN_LETTERS = 0.75
PROSE_MIN_SPACES = 0.08  # words of a dozen letters at most, on average
PROSE_SAMPLE_ROWS = 20  # CSV rows read ahead to find that column

MAX_ARTICLE_BYTES = 50_000_000  # one .txt/.md/.html article; larger is a dump, not an article
# Longer texts go on in parts of at most this many characters. What the parser holds while it
# parses grows with the text it is given (about 4 KB a token, 0.8 GB a million characters), so
# a part of this size costs under 200 MB however long the file (bench/memory_bench.py).
MAX_ARTICLE_CHARS = 200_000
SNIFF_BYTES = 8192
# Text with a stray NUL (a bad download, a C string) is text; binary data has about 10%
# control bytes, and these are the ones text never has.
_BINARY_CONTROLS = bytes([*range(0, 9), 11, *range(14, 27), *range(28, 32)])
MAX_CONTROL_SHARE = 0.02

_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive or Office document"),
    (b"\x1f\x8b", "gzip archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "7z archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old Office document"),
    (b"\x7fELF", "executable"),
    (b"SQLite format 3\x00", "SQLite database"),
)
# Longest first: the UTF-32 LE BOM starts with the UTF-16 LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_LINE_BREAKS_RE = re.compile("\r\n?|[\x0b\x0c\x85\u2028\u2029]")
# C0/C1 controls except \t and \n, stray BOMs, and lone surrogates (from JSON "\ud800" escapes,
# which cannot be encoded as UTF-8 and would break every later stage).
_CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufeff\ud800-\udfff]")
_CHARSET_RE = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.I
)
_WHITESPACE_RE = re.compile(r"\s+")
# Where a long text may be cut, best first: paragraph, line, sentence end, any whitespace.
_CUTS = (re.compile(r"\n[ \t]*\n\s*"), re.compile(r"\n\s*"),
         re.compile(r"[.!?][\"'”’)\]]*\s+"), re.compile(r"\s+"))
_NON_REGULAR = ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket"),
                (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"))


class _BadInput(Exception):
    """A file or record that cannot become an article; the message is shown to the user."""


@dataclass(frozen=True, slots=True)
class Columns:
    """The columns the user named (``--text-column`` …); None means "find it by name"."""

    text: str | None = None
    title: str | None = None
    published: str | None = None
    source: str | None = None


@dataclass(frozen=True, slots=True)
class _Keys:
    """The actual keys of a JSONL/CSV record that hold each field ("" when absent)."""

    text: str
    title: str = ""
    published: str = ""
    source: str = ""
    url: str = ""


# ---------------------------------------------------------------------------------------------
# public API


def iter_articles(
    paths: Sequence[str | Path],
    *,
    text_column: str | None = None,
    title_column: str | None = None,
    published_column: str | None = None,
    source_column: str | None = None,
) -> Iterator[Article | InputError]:
    """Stream an ``Article`` for each article found under ``paths``, or an ``InputError``.

    Files are read one at a time and JSONL/CSV records one at a time. The ``*_column``
    arguments name the JSONL/CSV columns to use instead of the ones found by common names.
    Errors about the paths themselves (missing, unsupported type) come first.
    """
    columns = Columns(text_column, title_column, published_column, source_column)
    files, errors = find_input_files(paths)
    yield from errors
    for path in files:
        yield from read_file(path, columns)


def read_file(path: Path, columns: Columns | None = None) -> Iterator[Article | InputError]:
    """The articles of one supported file (as `find_input_files` lists them), or errors."""
    for item in _read_path(path, columns or Columns()):
        yield from _in_parts(item) if isinstance(item, Article) else (item,)


def find_input_files(paths: Sequence[str | Path]) -> tuple[list[Path], list[InputError]]:
    """Expand ``paths`` into the supported files they name, each once, folders sorted.

    Folders are searched recursively; directory symlinks are followed but each real folder is
    visited once, so a symlink loop cannot hang. Inside folders, hidden entries (".git",
    macOS "._x.txt" resource forks) and unsupported files are skipped silently; a file named
    explicitly with an unsupported type is an error, since the user asked for it.
    """
    if isinstance(paths, str | Path):  # a lone path would otherwise be iterated by character
        paths = [paths]
    files: list[Path] = []
    errors: list[InputError] = []
    seen: set[tuple[int, int]] = set()
    for given in paths:
        path = Path(given)
        try:
            info = path.stat()
        except OSError as exc:
            errors.append(InputError(str(path), _missing_reason(path, exc)))
            continue
        if path.is_dir():
            found, walk_errors = _walk(path)
            errors.extend(walk_errors)
        elif _special(info.st_mode):
            errors.append(InputError(str(path), _special_reason(info.st_mode)))
            continue
        elif _kind(path):
            found = [(path, (info.st_dev, info.st_ino))]
        else:
            errors.append(InputError(str(path), _unsupported_reason(path)))
            continue
        for file, key in found:
            if key not in seen:
                seen.add(key)
                files.append(file)
    return files, errors


def split_long_text(text: str, limit: int | None = None) -> list[str]:
    """``text`` in parts of at most ``limit`` characters (default MAX_ARTICLE_CHARS), cut where
    the text allows.

    A part ends at the last paragraph break, else line break, else sentence end, else space in
    the second half of the allowed length; text with none of them is cut at the limit. Only
    the whitespace at a cut is dropped, so no word is lost.
    """
    return [text[start:end] for start, end in part_bounds(text, limit)]


def part_bounds(text: str, limit: int | None = None) -> list[tuple[int, int]]:
    """Where ``split_long_text`` cuts: (start, end) of each part, so that the parts can be
    sliced one at a time rather than all held at once."""
    limit = limit or MAX_ARTICLE_CHARS
    bounds: list[tuple[int, int]] = []
    pos, n = 0, len(text)
    while n - pos > limit:
        cut = _cut_at(text, pos, limit)
        end = pos + len(text[pos:cut].rstrip())
        if end > pos:
            bounds.append((pos, end))
        space = _SPACE_RUN.match(text, cut)
        pos = space.end() if space else cut
    if pos < n or not bounds:
        bounds.append((pos, n))
    return bounds


_SPACE_RUN = re.compile(r"\s*")


def _cut_at(text: str, pos: int, limit: int) -> int:
    """Where to cut ``text[pos:]`` (longer than ``limit``): just after the best boundary."""
    for pattern in _CUTS:
        last = None
        for last in pattern.finditer(text, pos + limit // 2, pos + limit):  # noqa: B007
            pass
        if last is not None:
            return last.end()
    return pos + limit


def _in_parts(article: Article) -> Iterator[Article]:
    """An article too long to parse in one go, as consecutive parts (``path#part2``), each
    sliced only when it is wanted."""
    if len(article.text) <= MAX_ARTICLE_CHARS:
        yield article
        return
    bounds = part_bounds(article.text)
    for n, (start, end) in enumerate(bounds, 1):
        text = article.text[start:end]
        title = f"{article.title} (part {n} of {len(bounds)})" if article.title else ""
        yield replace(article, article_id=article_id_for(text), path=f"{article.path}#part{n}",
                      text=text, title=title, sha256=_sha256(text))


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def article_id_for(text: str) -> str:
    """A short content hash: the same article under two file names gets one id.

    The text is NFC-normalised and its whitespace collapsed first, so re-wrapped lines or
    Windows line endings do not change the id.
    """
    normal = " ".join(unicodedata.normalize("NFC", text).split())  # as \s+ → " ", stripped
    return hashlib.sha256(normal.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def decode_bytes(data: bytes, *, declared: str | None = None) -> str:
    """Decode file contents: BOM, then a declared charset, then UTF-8, cp1252, latin-1.

    Raises ``_BadInput`` for binary data (NUL bytes or a known file signature without a
    UTF-16/32 BOM). BOM-less UTF-16 is recognised by its pattern of NUL bytes.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(encoding, errors="replace")
    head = data[:SNIFF_BYTES]
    for magic, name in _MAGIC:
        if head.startswith(magic):
            raise _BadInput(f"binary file ({name}), not text")
    if b"\x00" in head:
        utf16 = _bomless_utf16(head)
        try:
            if utf16 is not None:
                return data.decode(utf16)
        except UnicodeDecodeError:
            pass
        if not _mostly_text(head):
            raise _BadInput("binary file (contains NUL bytes), not text")
    return _decode_text(data, declared)


def _mostly_text(head: bytes) -> bool:
    """True for text with a few stray NULs or control bytes (``clean_text`` drops them)."""
    controls = len(head) - len(head.translate(None, _BINARY_CONTROLS))
    return controls <= MAX_CONTROL_SHARE * len(head)


def _bomless_utf16(head: bytes) -> str | None:
    """"utf-16-le"/"utf-16-be" when NULs fill one byte of each pair and the result reads as
    text without control characters, as BOM-less UTF-16 exports do; None for binary data."""
    even, odd = head[0::2], head[1::2]
    if odd and even.count(0) == 0 and odd.count(0) >= 0.4 * len(odd):
        encoding = "utf-16-le"
    elif odd and odd.count(0) == 0 and even.count(0) >= 0.4 * len(even):
        encoding = "utf-16-be"
    else:
        return None
    sample = head[: len(head) // 2 * 2].decode(encoding, errors="replace")
    return None if _CONTROL_RE.search(sample.replace("\r", "").replace("\x0c", "")) else encoding


def _decode_text(data: bytes, declared: str | None = None) -> str:
    """Decode with the declared charset, else UTF-8, else cp1252; latin-1 never fails."""
    for encoding in (declared, "utf-8", "cp1252"):
        if encoding:
            try:
                return data.decode(encoding)
            except (UnicodeDecodeError, LookupError):
                continue
    return data.decode("latin-1")


def clean_text(text: str) -> str:
    """Unify line breaks and drop control characters other than newline and tab.

    Vertical tabs, form feeds and Unicode line separators become newlines rather than vanish,
    so the words on either side are not glued together.
    """
    return _CONTROL_RE.sub("", _LINE_BREAKS_RE.sub("\n", text))


# ---------------------------------------------------------------------------------------------
# finding files


def _kind(path: Path) -> str:
    return SUPPORTED_SUFFIXES.get(path.suffix.lower(), "")


def _unsupported_reason(path: Path) -> str:
    suffix = path.suffix or "(no extension)"
    supported = ", ".join(sorted(SUPPORTED_SUFFIXES))
    return f"unsupported file type {suffix}; supported: {supported}"


def _missing_reason(path: Path, exc: OSError) -> str:
    if path.is_symlink():
        return "broken symbolic link (its target does not exist)"
    if isinstance(exc, FileNotFoundError):
        return "no such file or folder"
    return f"cannot open: {exc.strerror or exc}"


def _special(mode: int) -> bool:
    """A pipe, socket or device: opening one for reading can block forever."""
    return any(test(mode) for test, _ in _NON_REGULAR)


def _special_reason(mode: int) -> str:
    what = next((name for test, name in _NON_REGULAR if test(mode)), "not a file")
    return f"not a regular file ({what}); save it as a file first"


def _not_a_file_reason(path: Path) -> str:
    """Why a folder entry that is neither file nor folder was skipped."""
    try:
        return _special_reason(path.stat().st_mode)
    except OSError as exc:
        return _missing_reason(path, exc)


def _is_parley_output(entries: list[os.DirEntry[str]]) -> bool:
    names = {e.name for e in entries}
    return "manifest.json" in names and bool(names & {"articles.csv", "articles.parquet"})


def _walk(root: Path) -> tuple[list[tuple[Path, tuple[int, int]]], list[InputError]]:
    """Supported files under ``root`` (sorted), each with its (device, inode) identity."""
    found: list[tuple[Path, tuple[int, int]]] = []
    errors: list[InputError] = []
    root_info = root.stat()
    visited = {(root_info.st_dev, root_info.st_ino)}
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as entries:
                listed = list(entries)
        except OSError as exc:
            errors.append(InputError(str(folder), f"cannot list folder: {exc.strerror or exc}"))
            continue
        if folder != root and _is_parley_output(listed):
            continue  # our own tables (an --out folder inside the inputs) are not articles
        for entry in listed:
            if entry.name.startswith("."):
                continue
            path = folder / entry.name
            try:
                is_dir = entry.is_dir()
                info = entry.stat() if is_dir or entry.is_file() else None
            except OSError as exc:
                errors.append(InputError(str(path), f"cannot open: {exc.strerror or exc}"))
                continue
            if info is None:
                if _kind(path):  # a pipe, socket or device, or a broken link, named .txt
                    errors.append(InputError(str(path), _not_a_file_reason(path)))
                continue
            key = (info.st_dev, info.st_ino)
            if is_dir:
                if key not in visited:
                    visited.add(key)
                    stack.append(path)
            elif _kind(path):
                found.append((path, key))
    found.sort(key=lambda item: item[0].parts)  # Path's order, without its slow __lt__
    return found, errors


# ---------------------------------------------------------------------------------------------
# reading one file


def _read_path(path: Path, columns: Columns) -> Iterator[Article | InputError]:
    """Every article (or error) in one file; errors never escape as exceptions."""
    kind = _kind(path)
    try:
        if kind == "jsonl":
            yield from _jsonl_articles(path, columns)
        elif kind == "csv":
            yield from _csv_articles(path, columns)
        else:
            yield _file_article(path, kind)
    except _BadInput as exc:
        yield InputError(str(path), str(exc))
    except OSError as exc:
        yield InputError(str(path), f"cannot read file: {exc.strerror or exc}")


def _read_bytes(path: Path) -> bytes:
    """The whole file, refusing sizes no single article has."""
    size = path.stat().st_size
    if size > MAX_ARTICLE_BYTES:
        raise _BadInput(
            f"file too large for one article ({size / 1e6:.0f} MB); "
            "export many articles as JSONL or CSV instead"
        )
    return path.read_bytes()


def _file_article(path: Path, kind: str) -> Article | InputError:
    """A .txt, .md or .html file: one article."""
    data = _read_bytes(path)
    if not data.strip():
        raise _BadInput("empty file")
    if kind == "html":
        return _html_article(path, data)
    text = clean_text(decode_bytes(data))
    if not text.strip():
        raise _BadInput("empty file")
    return make_article(str(path), text, markdown=kind == "markdown")


def make_article(
    where: str,
    text: str,
    *,
    markdown: bool = False,
    title: str = "",
    publisher: str = "",
    published: date | None = None,
    fallback_publisher: str = "",
) -> Article | InputError:
    """An article from cleaned text; given fields win over those found in the text."""
    meta = parse_metadata(text, markdown=markdown)
    if not meta.body:
        return InputError(where, "no article text (only header or publication lines)")
    if not any(c.isalpha() for c in meta.body):
        return InputError(where, "no article text (no words, only numbers or punctuation)")
    return Article(
        article_id=article_id_for(meta.body),
        path=where,
        text=meta.body,
        title=_one_line(title or meta.title),
        publisher=_one_line(publisher or meta.publisher or fallback_publisher),
        published=published or meta.published,
        dateline=meta.dateline,
        dateline_region=meta.dateline_region,
        sha256=_sha256(meta.body),
    )


def _one_line(value: str) -> str:
    return _WHITESPACE_RE.sub(" ", clean_text(value)).strip()


# ---------------------------------------------------------------------------------------------
# HTML


def _declared_charset(data: bytes) -> str | None:
    """The charset a page declares in a ``<meta>`` tag, if Python knows it."""
    m = _CHARSET_RE.search(data[:SNIFF_BYTES])
    if not m:
        return None
    name = m.group(1).decode("ascii")
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


@functools.cache
def _lenient_config() -> Any:
    """trafilatura settings that keep short articles (a few sentences) instead of dropping them."""
    from trafilatura.settings import use_config

    config = use_config()
    config.set("DEFAULT", "MIN_EXTRACTED_SIZE", "1")
    return config


_DATE_PARAMS = {"original_date": True, "extensive_search": False}  # markup only, no guessing


def _extract_html(html: str) -> Any:  # trafilatura.settings.Document | None
    """trafilatura's main-text extraction; retried leniently for pages with a short body.

    Imported here: it costs 0.2 s, which a run over text files or the cache need not pay."""
    import trafilatura

    options: dict[str, Any] = {
        "with_metadata": True,
        "include_comments": False,
        "include_tables": False,
        "date_extraction_params": _DATE_PARAMS,
    }
    document: Any = trafilatura.bare_extraction(html, **options)
    if document is None or not (document.text or "").strip():
        document = trafilatura.bare_extraction(html, config=_lenient_config(), **options)
    return document


def _html_article(path: Path, data: bytes) -> Article | InputError:
    """A web page: main text, title, site name and date via trafilatura."""
    html = decode_bytes(data, declared=_declared_charset(data))
    try:
        document = _extract_html(html)
    except Exception as exc:  # noqa: BLE001 - a third-party parser on arbitrary input
        return InputError(str(path), f"could not parse HTML ({type(exc).__name__}: {exc})")
    text = clean_text((document.text if document else None) or "")
    if not text.strip():
        return InputError(str(path), "no article text found (only markup, scripts or styles)")
    title = _one_line(document.title or "")
    first, _, rest = text.strip().partition("\n")
    if title and first.strip().casefold() == title.casefold() and rest.strip():
        text = rest  # trafilatura repeats the <h1> headline as the first line
    return make_article(
        str(path),
        text,
        title=title,
        publisher=document.sitename or "",
        published=parse_date(document.date or ""),
    )


# ---------------------------------------------------------------------------------------------
# JSONL and CSV


def _iter_lines(path: Path) -> Iterator[tuple[int, str]]:
    """(line number, line with its ending) of a text file, decoded line by line.

    UTF-16/32 files (by BOM) are decoded as a stream; otherwise each line is tried as UTF-8,
    then cp1252, then latin-1, so one stray Latin-1 line does not cost the whole file.
    """
    with path.open("rb") as raw:
        head = raw.read(SNIFF_BYTES)
        if not head.strip():
            raise _BadInput("empty file")
        raw.seek(0)
        encoding = next((enc for bom, enc in _BOMS if head.startswith(bom)), None)
        if encoding and encoding != "utf-8":
            codec = encoding.split("-le")[0].split("-be")[0]  # utf-16 / utf-32 read the BOM
            stream = io.TextIOWrapper(raw, encoding=codec, errors="replace", newline="")
            yield from enumerate(stream, 1)
            return
        decode_bytes(head)  # raises for binary files; the text itself is decoded per line
        for number, line in enumerate(raw, 1):
            if number == 1 and line.startswith(codecs.BOM_UTF8):
                line = line[len(codecs.BOM_UTF8):]
            yield number, _decode_text(line)


def _is_prose(value: str) -> bool:
    """Words and spaces, as in an article; not an id, a URL, numbers, JSON or base64."""
    sample = value[:2000]
    if not sample:
        return False
    spaces = sum(c.isspace() for c in sample)
    letters = sum(c.isalpha() for c in sample)
    return (letters + spaces) >= PROSE_MIN_LETTERS * len(sample) and (
        spaces >= PROSE_MIN_SPACES * len(sample))


def _prose_key(names: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> str:
    """The key whose values are long prose (the longest on average, at least
    ``PROSE_MIN_CHARS``, and words in most rows): the text column of an export that names
    it in a way we do not know."""
    totals = dict.fromkeys(names, 0)
    prose = dict.fromkeys(names, 0)
    count = 0
    for row in rows:
        count += 1
        for name in names:
            value = row.get(name)
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                value = "\n\n".join(value)
            if isinstance(value, str):
                totals[name] += len(value)
                prose[name] += _is_prose(value)
    candidates = [n for n in names if count and totals[n] >= PROSE_MIN_CHARS * count
                  and prose[n] * 2 > count]
    return max(candidates, key=lambda n: totals[n], default="")


def _resolve_keys(names: Iterable[str], columns: Columns,
                  sample: Sequence[Mapping[str, Any]] = ()) -> _Keys:
    """Which record keys hold text, title, date, source and URL; raises if no text column.

    ``sample`` (records or CSV rows) lets a text column with an unknown name be found by its
    long prose."""
    names = [n for n in names if isinstance(n, str)]
    by_lower: dict[str, str] = {}
    for name in names:
        by_lower.setdefault(name.strip().casefold(), name)
    found = ", ".join(names[:20]) + (", …" if len(names) > 20 else "") or "none"

    def pick(wanted: str | None, option: str, candidates: tuple[str, ...]) -> str:
        if wanted is not None:
            if wanted.strip().casefold() not in by_lower:
                raise _BadInput(f"column {wanted!r} (from {option}) not found; columns: {found}")
            return by_lower[wanted.strip().casefold()]
        return next((by_lower[c] for c in candidates if c in by_lower), "")

    text = pick(columns.text, "--text-column", TEXT_COLUMNS)
    if not text and columns.text is None:
        text = _prose_key(names, sample)
    if not text:
        raise _BadInput(
            f"no text column found (none named {', '.join(TEXT_COLUMNS[:6])}, … and none of "
            f"long prose); columns: {found}. "
            "Name the column holding the article text with --text-column"
        )
    return _Keys(
        text=text,
        title=pick(columns.title, "--title-column", TITLE_COLUMNS),
        published=pick(columns.published, "--published-column", PUBLISHED_COLUMNS),
        source=pick(columns.source, "--source-column", SOURCE_COLUMNS),
        url=pick(None, "", URL_COLUMNS),
    )


def _as_text(value: Any) -> str:
    """A record's text value: a string, or a list of paragraph strings."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "\n\n".join(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise _BadInput(f"text is a JSON {type(value).__name__}, not a string")


def _as_date(value: Any) -> date | None:
    """A record's date: a date string, or a Unix timestamp in seconds or milliseconds."""
    if isinstance(value, str):
        return parse_date(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = value / 1000 if abs(value) > 1e11 else value
        try:
            return datetime.fromtimestamp(seconds, UTC).date()
        except (OverflowError, OSError, ValueError):
            return None
    return None


def _hostname(url: Any) -> str:
    """"dawn.com" from "https://www.dawn.com/news/1513336": a publisher of last resort."""
    if not isinstance(url, str):
        return ""
    try:
        host = urlsplit(url.strip()).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def _record_article(where: str, record: Mapping[str, Any], keys: _Keys) -> Article | InputError:
    """One JSONL/CSV record; its columns win over metadata found in its text."""
    try:
        text = clean_text(_as_text(record.get(keys.text)))
    except _BadInput as exc:
        return InputError(where, f"column {keys.text!r}: {exc}")
    if not text.strip():
        return InputError(where, f"empty text in column {keys.text!r}")

    def field(key: str) -> str:
        value = record.get(key) if key else None
        return value if isinstance(value, str) else ""

    return make_article(
        where,
        text,
        title=field(keys.title),
        publisher=field(keys.source),
        published=_as_date(record.get(keys.published)) if keys.published else None,
        fallback_publisher=_hostname(record.get(keys.url)) if keys.url else "",
    )


def _jsonl_articles(path: Path, columns: Columns) -> Iterator[Article | InputError]:
    """One article per JSON object line; a bad line costs only that line.

    Keys are found per record (JSONL has no header and exports vary from line to line), but
    if the first object has no text key the file is one error rather than one per line.
    """
    count = 0
    first_object = True
    for number, line in _iter_lines(path):
        if not line.strip():
            continue
        count += 1
        where = f"{path}#L{number}"
        try:
            record = json.loads(line.rstrip("\r\n"))
        except json.JSONDecodeError as exc:
            yield InputError(where, f"invalid JSON ({exc.msg} at column {exc.colno})")
            continue
        except (ValueError, RecursionError) as exc:
            yield InputError(where, f"invalid JSON ({exc})")
            continue
        if not isinstance(record, dict):
            yield InputError(where, f"expected a JSON object, got a {type(record).__name__}")
            continue
        try:
            keys = _resolve_keys(record, columns, (record,))
        except _BadInput as exc:
            if first_object:
                raise
            yield InputError(where, str(exc))
            continue
        finally:
            first_object = False
        yield _record_article(where, record, keys)
    if count == 0:
        raise _BadInput("empty file")


def _raise_field_size_limit() -> None:
    """Let a CSV cell hold a whole long article (the default limit is 128 KB)."""
    limit = sys.maxsize
    while True:
        try:
            csv.field_size_limit(limit)
            return
        except OverflowError:  # a C long is 32 bits on Windows
            limit //= 2


def _delimiter(header: str) -> str:
    """The delimiter of a CSV export, judged from its header line (European Excel uses ;)."""
    counts = {d: header.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_articles(path: Path, columns: Columns) -> Iterator[Article | InputError]:
    """One article per CSV row; ``#rowN`` counts data rows, the header not included."""
    _raise_field_size_limit()
    lines = (line for _, line in _iter_lines(path))
    first = next(lines, "")
    reader = csv.reader(itertools.chain([first], lines), delimiter=_delimiter(first))
    row_number = 0
    try:
        header = [name.strip() for name in next(reader)]
        ahead = list(itertools.islice(reader, PROSE_SAMPLE_ROWS))  # for a prose text column
        sample = [dict(zip(header, row, strict=False)) for row in ahead]
        keys = _resolve_keys(header, columns, sample)
        for row in itertools.chain(ahead, reader):
            row_number += 1
            if not any(cell.strip() for cell in row):
                continue
            record = dict(zip(header, row, strict=False))
            yield _record_article(f"{path}#row{row_number}", record, keys)
    except csv.Error as exc:
        where = f"{path}#row{row_number + 1}" if row_number else str(path)
        yield InputError(where, f"malformed CSV ({exc}); later rows were not read")
