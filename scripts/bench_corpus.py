"""The benchmark corpus: documentation Debian packages install, turned into Markdown and plain text.

    python scripts/bench_corpus.py [--out bench/corpus]

Installs the *-doc packages with apt-get when they are missing, converts every HTML page (the
Python, PostgreSQL, Django, Git manuals, the Debian Administrator's Handbook and the Debian
Reference) to Markdown (headings, paragraphs, lists, code, simple tables as pipe tables), and
renders the English man pages to text. Real text only: index and search pages, navigation,
sidebars and generated source listings are left out, and an identical text is written once.
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import html
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

PACKAGES = ["python3-doc", "postgresql-doc", "python-django-doc", "git-doc", "debian-handbook", "debian-reference-en",
            "python-sqlalchemy-doc", "python-flask-doc", "nodejs-doc"]
SOURCES = [  # (prefix, folder, glob) — HTML manuals
    ("python", "/usr/share/doc/python3-doc/html", "**/*.html"),
    ("postgresql", "/usr/share/doc/postgresql-doc-15/html", "*.html"),
    ("django", "/usr/share/doc/python-django-doc/html", "**/*.html"),
    ("git", "/usr/share/doc/git-doc", "*.html"),
    ("handbook", "/usr/share/doc/debian-handbook/html/en-US", "*.html"),
    ("debref", "/usr/share/doc/debian-reference-en/docs", "*.en.html"),
    ("sqlalchemy", "/usr/share/doc/python-sqlalchemy-doc/html", "**/*.html"),
    ("flask", "/usr/share/doc/python-flask-doc/html", "*.html"),
    ("nodejs", "/usr/share/doc/nodejs/api", "*.html"),
]
SKIP_PARTS = {"_static", "_images", "_sources", "_downloads", "_modules", "genindex", "search", "py-modindex",
              "bookindex", "index-all"}
SKIP_TAGS = {"script", "style", "nav", "head", "footer", "header", "noscript", "svg", "form", "button"}
SKIP_CLASSES = re.compile(r"\b(sphinxsidebar|related|footer|navheader|navfooter|breadcrumbs|headerlink|"
                          r"toctree-wrapper|toc|highlight-pycon3?)\b")
BLOCKS = {"p", "div", "section", "article", "dd", "dt", "blockquote", "br", "table", "figure", "dl", "ul", "ol"}


class _Markdown(HTMLParser):
    """HTML -> Markdown for documentation pages (good enough for text, headings, lists, code, tables)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip = 0                     # depth inside skipped elements
        self.stack: list[tuple[str, bool]] = []
        self.pre = 0
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.rows: list[list[str]] = []
        self.table_depth = 0
        self.heading: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        skipped = tag in SKIP_TAGS or bool(SKIP_CLASSES.search(a.get("class") or "")) or a.get("role") == "navigation"
        if tag in ("br", "img", "hr", "meta", "link", "input", "wbr"):
            if tag == "br" and not self.skip:
                self._emit("\n")
            return
        self.stack.append((tag, skipped))
        if skipped:
            self.skip += 1
        if self.skip:
            return
        if tag == "table":
            self.table_depth += 1
            if self.table_depth == 1:
                self.rows = []
        elif tag == "tr" and self.table_depth == 1:
            self.row = []
        elif tag in ("td", "th") and self.table_depth == 1 and self.row is not None:
            self.cell = []
        elif re.fullmatch(r"h[1-6]", tag):
            self._emit("\n\n" + "#" * int(tag[1]) + " ")
        elif tag == "li":
            self._emit("\n- ")
        elif tag == "pre":
            self.pre += 1
            self._emit("\n\n")
        elif tag in BLOCKS:
            self._emit("\n\n")

    def handle_endtag(self, tag):
        if tag in ("br", "img", "hr", "meta", "link", "input", "wbr"):
            return
        while self.stack:
            open_tag, skipped = self.stack.pop()
            if skipped:
                self.skip -= 1
            if not self.skip:
                self._close(open_tag)
            if open_tag == tag:
                break

    def _close(self, tag):
        if tag == "table":
            if self.table_depth == 1:
                self._flush_table()
            self.table_depth = max(0, self.table_depth - 1)
        elif tag in ("td", "th") and self.cell is not None and self.row is not None:
            self.row.append(" ".join("".join(self.cell).split()).replace("|", "/"))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            if any(self.row):
                self.rows.append(self.row)
            self.row = None
        elif tag == "pre":
            self.pre = max(0, self.pre - 1)
            self._emit("\n\n")
        elif re.fullmatch(r"h[1-6]", tag) or tag in BLOCKS:
            self._emit("\n\n")

    def _flush_table(self):
        rows, self.rows = self.rows, []
        width = max((len(r) for r in rows), default=0)
        if not rows:
            return
        if width < 2 or len(rows) < 2:        # layout tables and one-liners: plain paragraphs
            self._emit("\n\n" + "\n\n".join(" ".join(r) for r in rows) + "\n\n")
            return
        lines = ["| " + " | ".join(r + [""] * (width - len(r))) + " |" for r in rows]
        lines.insert(1, "|" + " --- |" * width)
        self._emit("\n\n" + "\n".join(lines) + "\n\n")

    def handle_data(self, data):
        if self.skip:
            return
        if self.cell is not None:
            self.cell.append(data)
            return
        if self.table_depth and self.row is not None:
            return
        self._emit(data if self.pre else re.sub(r"\s+", " ", data))

    def _emit(self, text):
        self.out.append(text)

    def text(self) -> str:
        raw = "".join(self.out).replace("¶", "").replace("\xa0", " ")
        raw = re.sub(r"[ \t]+\n", "\n", raw)
        raw = re.sub(r"\n[ \t]+(?=[^\s])", lambda m: m.group() if self.pre else "\n", raw)
        raw = re.sub(r"\n- *\n+", "\n- ", raw)          # a list item holding a paragraph
        raw = re.sub(r"\n{3,}", "\n\n", raw)
        return raw.strip() + "\n"


def html_to_markdown(source: str) -> str:
    """Markdown text of one HTML documentation page."""
    parser = _Markdown()
    parser.feed(source)
    parser.close()
    return parser.text()


def ensure_packages() -> None:
    """apt-get install the documentation packages (and man) that are missing."""
    missing = [p for p in PACKAGES if subprocess.run(["dpkg", "-s", p], capture_output=True).returncode]
    if shutil.which("man") is None:
        missing.append("man-db")
    if not missing:
        return
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    print(f"apt-get install {' '.join(missing)}", flush=True)
    subprocess.run(sudo + ["apt-get", "update", "-qq"], check=True)
    install = sudo + ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "--no-remove"]
    if subprocess.run(install + missing).returncode == 0:
        return
    for package in missing:   # one conflicts (nodejs-doc against a non-Debian nodejs): install the others
        if subprocess.run(install + [package], capture_output=True).returncode:
            print(f"skipped {package}: installing it would remove installed packages", flush=True)


def _name(prefix: str, rel: Path, suffix: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", "__".join(rel.with_suffix("").parts))
    return f"{prefix}__{stem}{suffix}"


def convert_html(out: Path, seen: set[str]) -> int:
    written = 0
    for prefix, folder, pattern in SOURCES:
        root = Path(folder)
        for path in sorted(root.glob(pattern)):
            rel = path.relative_to(root)
            if any({p.split(".")[0], p.split(".")[0].split("-")[0]} & SKIP_PARTS for p in rel.parts):  # genindex-A too
                continue
            text = html_to_markdown(path.read_text(encoding="utf-8", errors="replace"))
            written += _write(out / _name(prefix, rel, ".md"), text, seen)
    return written


def render_man_pages(out: Path, seen: set[str], sections: str = "578") -> int:
    """English man pages of the given sections, rendered to plain text by man(1) (several at a time)."""
    from concurrent.futures import ThreadPoolExecutor

    env = {**os.environ, "MANWIDTH": "100", "MAN_KEEP_FORMATTING": "0", "LC_ALL": "C.UTF-8"}
    pages = []
    for section in sections:
        for path in sorted(Path(f"/usr/share/man/man{section}").glob("*")):
            try:
                raw = gzip.open(path).read(4096) if path.suffix == ".gz" else path.read_bytes()[:4096]
            except OSError:
                continue
            if not path.is_symlink() and not raw.lstrip().startswith(b".so "):   # not an alias of another page
                pages.append((section, path))

    def render(page):
        run = subprocess.run(["man", "--nj", "--nh", "-l", str(page[1])], capture_output=True, env=env, timeout=60)
        return re.sub(r".\x08", "", run.stdout.decode("utf-8", errors="replace"))

    written = 0
    with ThreadPoolExecutor(4) as pool:
        for (section, path), text in zip(pages, pool.map(render, pages)):
            written += _write(out / f"man{section}__{path.name.removesuffix('.gz')}.txt", text, seen)
    return written


def _write(path: Path, text: str, seen: set[str]) -> int:
    body = text.strip()
    digest = hashlib.sha256(body.encode()).hexdigest()
    if len(body) < 200 or digest in seen:      # stubs and exact duplicates (the same page in two places)
        return 0
    seen.add(digest)
    path.write_text(body + "\n", encoding="utf-8")
    return 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("bench/corpus"))
    parser.add_argument("--man-sections", default="578")
    args = parser.parse_args(argv)
    ensure_packages()
    if args.out.exists():
        shutil.rmtree(args.out)
    args.out.mkdir(parents=True)
    seen: set[str] = set()
    pages = convert_html(args.out, seen)
    mans = render_man_pages(args.out, seen, args.man_sections)
    size = sum(p.stat().st_size for p in args.out.iterdir())
    print(f"corpus: {pages} HTML pages + {mans} man pages -> {args.out} ({size / 1e6:.1f} MB of text)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
