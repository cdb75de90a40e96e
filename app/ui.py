"""The Gradio chat UI: a chat with `[n]` markers beside a sources panel showing each cited passage.

Everything shown comes from documents or users and is data, never markup: the render functions
below escape every string they put into HTML, and the Chatbot neither renders Markdown nor LaTeX.
The render functions are plain (no Gradio) so they can be tested and reused.
"""
from __future__ import annotations

import html
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from app.settings import MAX_QUESTION_CHARS

EXAMPLES_FILE = Path(os.environ.get("DOCQA_EXAMPLES", Path(__file__).resolve().parents[1] / "examples" / "questions.txt"))


def load_examples(path: Path = EXAMPLES_FILE) -> list[str]:
    """Example questions to click, one per line of a file that goes with the documents (none if it is absent)."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    return [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")][:8]


MAX_TURNS = 50             # a chat keeps (and shows) its last 50 questions
DOC_BEFORE_CHARS = 300     # document text shown before a passage ("show in document"), so it is in view
DOC_AFTER_CHARS = 1200     # and after it
_ESCAPES = str.maketrans({"$": "&#36;", "{": "&#123;", "}": "&#125;", "`": "&#96;", "\\": "&#92;"})
_MARKER = re.compile(r"\[(\d{1,3})\]")

CSS = """
.docqa-answer { line-height: 1.5; white-space: pre-wrap; }
.docqa-answer .docqa-ref { font-size: 0.75em; vertical-align: super; color: var(--color-accent); font-weight: 600; }
.docqa-answer .docqa-computation { margin-top: .4em; font-family: var(--font-mono); font-size: .9em; }
.docqa-answer .docqa-notes { margin: .4em 0 0 0; padding-left: 1.2em; font-size: .9em; opacity: .85; }
.docqa-answer .docqa-meta { margin-top: .3em; font-size: .75em; opacity: .6; }
.docqa-abstain { font-style: italic; opacity: .85; border-left: 3px solid #d97706; padding-left: .6em; }
.docqa-question { white-space: pre-wrap; }
#docqa-sources { max-height: 640px; overflow-y: auto; }
.docqa-sources-empty { opacity: .6; font-style: italic; padding: .5em; }
.docqa-source { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: .6em .8em; margin-bottom: .7em; }
.docqa-source-head { font-weight: 600; margin-bottom: .3em; }
.docqa-source-head .docqa-n { color: var(--color-accent); margin-right: .3em; }
.docqa-section { font-size: .85em; opacity: .75; margin-bottom: .4em; }
.docqa-passage { white-space: pre-wrap; font-size: .92em; line-height: 1.45; }
.docqa-passage mark, .docqa-doc mark.docqa-quote { background: #fde047; color: #111; padding: 0 1px; border-radius: 2px; }
.docqa-passage mark.docqa-cell, .docqa-doc mark.docqa-cell { background: #fef9c3; }
.docqa-doc mark.docqa-in-passage { background: rgba(253, 224, 71, .25); color: inherit; }
.docqa-row { border-collapse: collapse; margin: .4em 0; font-size: .85em; }
.docqa-row th, .docqa-row td { border: 1px solid var(--border-color-primary); padding: 2px 6px; text-align: left; }
.docqa-row td.docqa-hit { background: #fde047; color: #111; font-weight: 600; }
.docqa-source details summary { cursor: pointer; font-size: .85em; margin-top: .4em; }
.docqa-doc { white-space: pre-wrap; font-size: .85em; max-height: 320px; overflow-y: auto; background: var(--background-fill-secondary); padding: .5em; border-radius: 6px; }
.docqa-compact #docqa-sources { max-height: 260px; }
"""


def esc(text: object) -> str:
    """Text as inert HTML: entities for <>&\"' and for the characters templates or Markdown would act on."""
    return html.escape("" if text is None else str(text), quote=True).translate(_ESCAPES)


def question_html(question: str) -> str:
    """A user's question as chat content."""
    return f'<div class="docqa-question">{esc(question)}</div>'


def answer_html(result: dict) -> str:
    """An answer as chat content: text with [n] markers, computation, notes; abstentions styled apart."""
    kind = result.get("kind") or "none"
    body = _MARKER.sub(r'<span class="docqa-ref">[\1]</span>', esc(result.get("answer", "")))
    parts = [f'<div class="docqa-text">{body}</div>']
    if result.get("computation"):
        parts.append(f'<div class="docqa-computation">= {esc(result["computation"])}</div>')
    notes = [n for n in result.get("notes") or [] if n]
    if notes:
        parts.append('<ul class="docqa-notes">' + "".join(f"<li>{esc(n)}</li>" for n in notes) + "</ul>")
    confidence = result.get("confidence")
    meta = {"table": "from a table", "text": "from the text", "none": "not in the documents"}.get(kind, kind)
    if isinstance(confidence, (int, float)):
        meta += f" · confidence {confidence:.2f}"
    parts.append(f'<div class="docqa-meta">{esc(meta)}</div>')
    classes = "docqa-answer docqa-abstain" if kind == "none" else f"docqa-answer docqa-kind-{esc(kind)}"
    return f'<div class="{classes}">' + "".join(parts) + "</div>"


def error_html(message: str) -> str:
    """A refusal of the question itself (empty, too long) as chat content."""
    return f'<div class="docqa-answer docqa-abstain">{esc(message)}</div>'


def quote_span(citation: dict) -> tuple[int, int] | None:
    """Where the quote lies inside the citation's passage text, or None when it cannot be found."""
    text, quote = citation.get("text") or "", citation.get("quote") or ""
    if not quote:
        return None
    start, qs, qe = citation.get("start"), citation.get("quote_start"), citation.get("quote_end")
    if all(isinstance(v, int) for v in (start, qs, qe)):
        rel = qs - start
        if 0 <= rel and qe - start <= len(text) and text[rel:qe - start].strip() == quote.strip():
            return rel, qe - start
    at = text.find(quote)
    if at < 0:
        at = text.lower().find(quote.lower())
    return (at, at + len(quote)) if at >= 0 else None


def cell_spans(citation: dict) -> list[tuple[int, int]]:
    """Where the cited table cells lie inside the passage text (from their document offsets)."""
    text, start = citation.get("text") or "", citation.get("start")
    spans = []
    for cell in citation.get("cells") or []:
        a, b = cell.get("start"), cell.get("end")
        if isinstance(start, int) and isinstance(a, int) and isinstance(b, int) and 0 <= a - start <= b - start <= len(text):
            spans.append((a - start, b - start))
    return spans


def highlighted(text: str, quote: tuple[int, int] | None, others: list[tuple[int, int]] = ()) -> str:
    """Escaped text with the quote (and other cited spans) wrapped in <mark>; overlapping spans are skipped."""
    marks = [(a, b, "docqa-quote") for a, b in [quote] if quote] + [(a, b, "docqa-cell") for a, b in others]
    out, at = [], 0
    for a, b, cls in sorted(marks, key=lambda m: (m[0], m[2] != "docqa-quote")):
        if a < at or b <= a:
            continue
        out += [esc(text[at:a]), f'<mark class="{cls}">{esc(text[a:b])}</mark>']
        at = b
    return "".join(out) + esc(text[at:])


@dataclass
class TableRow:
    """A cited table row as a small table: column headers (maybe empty) and cells."""

    headers: list[str]
    cells: list[str]


def _pipe_cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def table_row(citation: dict) -> TableRow | None:
    """The cited row: from a structured `row`, else the row label plus the cited `cells`, else the pipe text."""
    row = citation.get("row")
    if isinstance(row, dict) and isinstance(row.get("columns"), list) and isinstance(row.get("values"), list):
        return TableRow([str(row.get("label_column") or "Row"), *map(str, row["columns"])],
                        [str(row.get("label") or "(no label)"), *map(str, row["values"])])
    lines = [ln for ln in (citation.get("text") or "").splitlines() if ln.strip().startswith("|")]
    cells = [c for c in citation.get("cells") or [] if isinstance(c, dict) and c.get("text") is not None]
    if cells:
        label = _pipe_cells(lines[-1])[0] if lines else ""
        return TableRow(["Row", *(str(c.get("column") or "") for c in cells)],
                        [label or "(no label)", *(str(c["text"]) for c in cells)])
    if not lines:
        return None
    rows = [r for r in map(_pipe_cells, lines) if not all(set(c) <= set("-: ") for c in r)]
    if not rows:
        return None
    return TableRow(rows[0], rows[-1]) if len(rows) > 1 else TableRow([], rows[0])


def row_html(row: TableRow, quote: str | None) -> str:
    """A small HTML table for one row; the cell holding the quote is highlighted."""
    def cell(value: str) -> str:
        hit = bool(quote) and value.strip() == quote.strip()
        return f'<td class="docqa-hit">{esc(value)}</td>' if hit else f"<td>{esc(value)}</td>"

    head = ""
    if row.headers and len(row.headers) == len(row.cells):
        head = "<thead><tr>" + "".join(f"<th>{esc(h)}</th>" for h in row.headers) + "</tr></thead>"
    return f'<table class="docqa-row">{head}<tbody><tr>' + "".join(map(cell, row.cells)) + "</tr></tbody></table>"


def document_html(citation: dict, document_text: Callable[[str], str]) -> str:
    """The passage inside its document (a window around it), passage and quote highlighted."""
    try:
        text = document_text(citation["doc"])
    except (KeyError, TypeError):
        return ""
    start, end = citation.get("start"), citation.get("end")
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= len(text)):
        return ""
    a, b = max(0, start - DOC_BEFORE_CHARS), min(len(text), end + DOC_AFTER_CHARS)
    passage = text[start:end]
    inner = highlighted(passage, quote_span({**citation, "text": passage}), cell_spans({**citation, "text": passage}))
    out = ("…" if a > 0 else "") + esc(text[a:start])
    out += f'<mark class="docqa-in-passage">{inner}</mark>' + esc(text[end:b]) + ("…" if b < len(text) else "")
    return (f'<details><summary>Show in document ({esc(citation["doc"])}, characters {start:,}–{end:,})'
            f'</summary><div class="docqa-doc">{out}</div></details>')


def sources_html(result: dict | None, document_text: Callable[[str], str]) -> str:
    """The sources panel: each cited passage with title, section, highlighted quote, row table and context."""
    if not result:
        return '<div class="docqa-sources-empty">Sources of the latest answer appear here.</div>'
    citations = result.get("citations") or []
    if not citations:
        return '<div class="docqa-sources-empty">No sources: the documents do not answer this.</div>'
    blocks = []
    if result.get("kind") == "none":   # an abstention citing the passage nearest to an answer: say it is none
        blocks.append('<div class="docqa-sources-empty">No answer found. The nearest passage, which may not answer '
                      'the question:</div>')
    for c in citations:
        title = esc(c.get("title") or c.get("doc") or "")
        section = f'<div class="docqa-section">{esc(c["section"])}</div>' if c.get("section") else ""
        row = table_row(c) if result.get("kind") == "table" else None
        table = row_html(row, c.get("quote")) if row else ""
        marked = highlighted(c.get("text") or "", quote_span(c), cell_spans(c))
        passage = f'<div class="docqa-passage">{marked}</div>'
        blocks.append(f'<div class="docqa-source" data-n="{esc(c.get("n", ""))}">'
                      f'<div class="docqa-source-head"><span class="docqa-n">[{esc(c.get("n", "?"))}]</span>{title}</div>'
                      f"{section}{table}{passage}{document_html(c, document_text)}</div>")
    return "".join(blocks)


def theme():
    """The Gradio theme used by both layouts."""
    import gradio as gr

    return gr.themes.Soft(primary_hue="blue", font=["system-ui", "Segoe UI", "Roboto", "sans-serif"],
                          font_mono=["ui-monospace", "SFMono-Regular", "monospace"])  # no web fonts: nothing remote


def build_ui(engine, compact: bool = False, examples: list[str] | None = None):
    """The chat as gr.Blocks; compact=True is the /embed layout (no header, sources below the chat)."""
    import gradio as gr

    from app.engine import QuestionError

    examples = load_examples() if examples is None else examples

    def respond(question: str, turns: list[dict]):
        """Answer one question in the context of this chat's earlier turns."""
        question = (question or "").strip()
        if not question:
            return gr.skip(), gr.skip(), gr.skip(), gr.skip()
        history = []
        for t in turns:
            history += [{"role": "user", "content": t["question"]}, {"role": "assistant", "content": t["answer"]}]
        try:
            question.encode("utf-8")  # lone surrogates (possible through the API) are not text
            result = engine.ask(question, history)
        except UnicodeEncodeError:
            gr.Warning("Cannot ask that: the question is not valid Unicode text")
            return gr.skip(), gr.skip(), gr.skip(), gr.skip()
        except QuestionError as err:
            gr.Warning(f"Cannot ask that: {err}")
            return gr.skip(), gr.skip(), gr.skip(), gr.skip()
        turns = [*turns, {"question": question, "answer": result.get("answer", ""), "result": result}][-MAX_TURNS:]
        return "", turns, chat_messages(turns), sources_html(result, engine.document_text)

    def clear():
        return "", [], [], sources_html(None, engine.document_text)

    with gr.Blocks(title="Ask the documents", elem_classes=["docqa-compact"] if compact else None) as demo:
        turns = gr.State([])
        if not compact:
            gr.Markdown("## Ask the documents\nAnswers come only from the indexed documents, "
                        "with the passage each one rests on.")
        with (gr.Column() if compact else gr.Row(equal_height=False)):
            with gr.Column(scale=3):
                chat = gr.Chatbot(label="Chat", height=360 if compact else 520, render_markdown=False,
                                  sanitize_html=True, latex_delimiters=[], allow_tags=False,
                                  feedback_options=None, buttons=[], elem_id="docqa-chat",
                                  placeholder=None if compact else "Ask a question about the documents.")
                with gr.Row():
                    box = gr.Textbox(placeholder="Ask a question…", show_label=False, scale=5,
                                     max_length=MAX_QUESTION_CHARS, elem_id="docqa-question", autofocus=not compact,
                                     submit_btn=True)
                    clear_btn = gr.Button("Clear", scale=0, min_width=80, elem_id="docqa-clear", variant="secondary")
                if examples and not compact:
                    gr.Markdown("**Try:**")
                    with gr.Row():
                        example_btns = [gr.Button(q, size="sm", variant="secondary", elem_classes=["docqa-example"])
                                        for q in examples]
                else:
                    example_btns = []
            with (gr.Accordion("Sources", open=True) if compact else gr.Column(scale=2)):
                if not compact:
                    gr.Markdown("### Sources")
                sources = gr.HTML(sources_html(None, engine.document_text), elem_id="docqa-sources")
        outputs = [box, turns, chat, sources]
        box.submit(respond, [box, turns], outputs, show_progress="hidden", queue=False)
        clear_btn.click(clear, None, outputs, show_progress="hidden", queue=False)
        chat.clear(clear, None, outputs, show_progress="hidden", queue=False)
        for btn, q in zip(example_btns, examples):
            btn.click(lambda t, q=q: respond(q, t), [turns], outputs, show_progress="hidden", queue=False)
    return demo


def chat_messages(turns: list[dict]) -> list[dict]:
    """The Chatbot's messages for the turns so far."""
    messages = []
    for t in turns:
        messages.append({"role": "user", "content": question_html(t["question"])})
        messages.append({"role": "assistant", "content": answer_html(t["result"])})
    return messages
