"""Text out of a knowledge document, in sections that keep where each part is (page or heading).

Each format is read without running anything in it: PDFs through pypdf (pages), Word files through
python-docx (paragraph styles give the headings), HTML through the standard library's parser
(scripts and styles dropped, ``h1``–``h6`` give the headings), Markdown by its ``#`` headings, and
plain text and source code as they are. A file that cannot be read raises :class:`UnreadableDocument`
with the reason, so the indexer skips it, says why, and goes on with the others.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from app.core.errors import KnownError

log = logging.getLogger(__name__)

#: Source code and other plain-text formats read as text (besides .txt, .csv, .json).
CODE_EXTENSIONS = frozenset({
    ".py", ".js", ".ts", ".tsx", ".jsx", ".java", ".kt", ".c", ".h", ".cc", ".cpp", ".hpp", ".cs", ".go", ".rs",
    ".rb", ".php", ".swift", ".scala", ".sh", ".sql", ".css", ".toml", ".yaml", ".yml", ".ini", ".rst", ".xml",
})
TEXT_EXTENSIONS = frozenset({".txt", ".csv", ".json"}) | CODE_EXTENSIONS
MARKDOWN_EXTENSIONS = frozenset({".md", ".markdown"})
HTML_EXTENSIONS = frozenset({".html", ".htm"})
SUPPORTED_EXTENSIONS = TEXT_EXTENSIONS | MARKDOWN_EXTENSIONS | HTML_EXTENSIONS | {".pdf", ".docx"}

_ATX_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.+?)[ \t#]*$")
_HTML_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_HTML_BLOCKS = frozenset({"p", "div", "li", "tr", "br", "section", "article", "pre", "blockquote", "table",
                          "ul", "ol", "dd", "dt", "header", "footer", "main", "title"})
_HTML_SKIPPED = frozenset({"script", "style", "noscript", "template", "svg", "head"})


class UnreadableDocument(KnownError):
    """A knowledge file whose text cannot be read (damaged, encrypted, not text); it is skipped."""

    def __init__(self, name: str, reason: str) -> None:
        self.name = name
        self.reason = reason
        super().__init__(f"{name} was skipped: {reason}.")


@dataclass(frozen=True)
class Section:
    """A run of a document's text under one heading or on one page."""

    text: str
    page: int | None = None
    heading: str = ""


def is_supported(path: Path | str) -> bool:
    return Path(path).suffix.lower() in SUPPORTED_EXTENSIONS


def extract(path: Path, name: str | None = None) -> list[Section]:
    """The document's sections, in order; raises :class:`UnreadableDocument` naming why it cannot be read."""
    name = name or path.name
    suffix = Path(name).suffix.lower() or path.suffix.lower()
    try:
        if suffix == ".pdf":
            return _pdf(path, name)
        if suffix == ".docx":
            return _docx(path, name)
        if suffix in HTML_EXTENSIONS:
            return _html(_text(path, name))
        if suffix in MARKDOWN_EXTENSIONS:
            return _markdown(_text(path, name))
        if suffix in TEXT_EXTENSIONS:
            return [Section(_text(path, name))]
    except OSError as exc:
        raise UnreadableDocument(name, f"the file cannot be read ({exc.strerror or exc})") from exc
    raise UnreadableDocument(name, f"{suffix or 'files without an extension'} is not a document type GPT Shelf reads")


def _text(path: Path, name: str) -> str:
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    if b"\x00" in data[:8192]:
        raise UnreadableDocument(name, "it holds binary data, not text")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableDocument(name, "its text is neither UTF-8 nor GB18030; save it as UTF-8")


def _markdown(text: str) -> list[Section]:
    sections: list[Section] = []
    heading, lines, fenced = "", [], False
    for line in text.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        match = None if fenced else _ATX_HEADING.match(line)
        if match:
            sections.append(Section("\n".join(lines), heading=heading))
            heading, lines = match.group(2).strip(), []
        else:
            lines.append(line)
    sections.append(Section("\n".join(lines), heading=heading))
    return sections


def _pdf(path: Path, name: str) -> list[Section]:
    from pypdf import PdfReader  # noqa: PLC0415 - only when a PDF is indexed
    from pypdf.errors import PyPdfError  # noqa: PLC0415

    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            raise UnreadableDocument(name, "the PDF is encrypted; save a copy without a password")
        return [Section(page.extract_text() or "", page=number) for number, page in enumerate(reader.pages, 1)]
    except UnreadableDocument:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, AssertionError,
            RecursionError, ZeroDivisionError) as exc:
        # pypdf raises many kinds of errors on damaged files; any of them means "not a readable PDF".
        log.debug("pypdf could not read %s", name, exc_info=True)
        raise UnreadableDocument(name, f"it is not a readable PDF ({type(exc).__name__}: {exc})") from exc


def _docx(path: Path, name: str) -> list[Section]:
    import zipfile  # noqa: PLC0415

    from docx import Document  # noqa: PLC0415 - only when a Word file is indexed
    from docx.opc.exceptions import OpcError  # noqa: PLC0415

    try:
        document = Document(str(path))
    except (OpcError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise UnreadableDocument(name, f"it is not a readable Word (.docx) file ({exc})") from exc
    sections: list[Section] = []
    heading, lines = "", []
    for paragraph in document.paragraphs:
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        if style.startswith(("Heading", "Title")) and paragraph.text.strip():
            sections.append(Section("\n\n".join(lines), heading=heading))
            heading, lines = paragraph.text.strip(), []
        else:
            lines.append(paragraph.text)
    for table in document.tables:
        lines.extend(" | ".join(cell.text.strip() for cell in row.cells) for row in table.rows)
    sections.append(Section("\n\n".join(lines), heading=heading))
    return sections


class _HTMLText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sections: list[Section] = []
        self.heading = ""
        self.parts: list[str] = []
        self.heading_parts: list[str] | None = None
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HTML_SKIPPED:
            self.skipping += 1
        elif tag in _HTML_HEADINGS:
            self.close_section()
            self.heading_parts = []
        elif tag in _HTML_BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HTML_SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _HTML_HEADINGS and self.heading_parts is not None:
            self.heading = " ".join("".join(self.heading_parts).split())
            self.heading_parts = None
        elif tag in _HTML_BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        if self.heading_parts is not None:
            self.heading_parts.append(data)
        else:
            self.parts.append(data)

    def close_section(self) -> None:
        paragraphs = ("".join(self.parts)).split("\n\n")
        text = "\n\n".join(" ".join(p.split()) for p in paragraphs if p.strip())
        self.sections.append(Section(text, heading=self.heading))
        self.parts = []


def _html(text: str) -> list[Section]:
    parser = _HTMLText()
    parser.feed(text)
    parser.close()
    parser.close_section()
    return parser.sections
