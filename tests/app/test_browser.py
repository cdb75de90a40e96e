"""The chat UI, the widget on another site's page, and hostile document text, in Debian's Chromium.

A real uvicorn server runs in a thread; two small host sites (one origin on the allow-list, one not)
serve examples/host.html pointed at it.
"""
from __future__ import annotations

import http.server
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from app.server import LOOPBACK_HOSTS, create_app, run_in_thread

ROOT = Path(__file__).resolve().parents[2]
HOST_PAGE = ROOT / "examples" / "host.html"
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
TIMEOUT_MS = 15_000
expect.set_options(timeout=TIMEOUT_MS)   # assertions wait as long as actions (theirs is 5 s): a shared machine's answer
                                         # once took longer than that (a widget reply in the full suite, session 26)
XSS_DOC = """# Harbour rules <img src=x onerror="window.__pwned = 'title'; alert('title')">

## Access codes

The secret harbour gate code is 7731. <script>window.__pwned = 'script'; alert('script')</script> Visitors must sign in at the gate office.

A picture of the gate: <img src=x onerror="window.__pwned = 'img'; alert('img')"> and a [harbour map](javascript:alert('md-link')) and <a href="javascript:alert('a-link')">the office</a>. Template text ${alert('tpl')} {{constructor}}.
"""
INJECTED = """() => {
  const roots = [document, ...[...document.querySelectorAll('*')].filter(e => e.shadowRoot).map(e => e.shadowRoot)];
  const q = s => roots.flatMap(r => [...r.querySelectorAll(s)]);
  return {
    pwned: window.__pwned === undefined ? null : String(window.__pwned),
    img: q('img[src="x"]').length + q('img[onerror]').length,
    jsLinks: q('a[href^="javascript:"]').length,
    scripts: q('script').filter(s => (s.textContent || '').includes('__pwned')).length,
  };
}"""


@dataclass
class HostSite:
    """A tiny web server for another site: GET /<name> is examples/host.html pointed at server <name>."""

    servers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                base = site.servers.get(self.path.strip("/"))
                if base is None:
                    self.send_error(404)
                    return
                page = HOST_PAGE.read_text(encoding="utf-8").replace("http://127.0.0.1:7860", base).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(page)))
                self.end_headers()
                self.wfile.write(page)

            def log_message(self, *args) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@dataclass
class Visit:
    """A page plus everything it did that a test may assert on."""

    page: Page
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    hosts: set[str] = field(default_factory=set)


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def sites():
    allowed, refused = HostSite(), HostSite()
    yield allowed, refused
    allowed.stop()
    refused.stop()


@pytest.fixture(scope="module")
def seed_url(seed_engine, sites):
    allowed, refused = sites
    app = create_app(seed_engine, allow_origins=[allowed.origin], allowed_hosts=list(LOOPBACK_HOSTS))  # as serve() does
    server = run_in_thread(app)
    allowed.servers["seed"] = refused.servers["seed"] = server.url
    yield server.url
    server.stop()


@pytest.fixture(scope="module")
def xss_url(model, tmp_path_factory, sites):
    """A server over an index of one hostile document, built for this module only."""
    from app.engine import Engine
    from index import store
    from index.build import build

    docs = tmp_path_factory.mktemp("xss-docs")
    (docs / "harbour.md").write_text(XSS_DOC, encoding="utf-8")
    out = tmp_path_factory.mktemp("xss-index") / "index"
    build(docs, out, model=model)
    allowed, _ = sites
    server = run_in_thread(create_app(Engine(store.load(out), model, out), allow_origins=[allowed.origin]))
    allowed.servers["xss"] = server.url
    yield server.url
    server.stop()


@pytest.fixture
def visit(browser: Browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    v = Visit(page)
    page.on("dialog", lambda d: (v.dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: v.errors.append(str(e)))
    page.on("console", lambda m: v.console.append(m.text))
    page.on("request", lambda r: v.hosts.add(urlsplit(r.url).hostname or r.url))
    yield v
    context.close()


def ask_ui(page: Page, question: str):
    """Type a question into the chat UI and return the locator of the answer it produces."""
    answers = page.locator("#docqa-chat .docqa-answer")
    before = answers.count()
    box = page.locator("#docqa-question textarea")
    box.fill(question)
    box.press("Enter")
    expect(answers).to_have_count(before + 1)
    return answers.last


def ask_widget(page: Page, question: str):
    """Open the widget if needed, ask, and return the locator of its reply."""
    panel = page.locator("#docqa-widget .panel")
    if "open" not in (panel.get_attribute("class") or ""):
        page.locator("#docqa-widget .launcher").click()
    replies = page.locator("#docqa-widget .msg.bot")
    before = replies.count()
    page.locator("#docqa-widget textarea").fill(question)
    page.locator("#docqa-widget textarea").press("Enter")
    expect(replies).to_have_count(before + 1)
    return replies.last


# ---- the chat UI ----------------------------------------------------------------------------------

def test_ui_answers_and_shows_the_source_with_the_quote_highlighted(visit, seed_url):
    page = visit.page
    page.goto(seed_url + "/")
    answer = ask_ui(page, "How many districts did Yıldırım lose that he had won in March?")
    expect(answer).to_contain_text("11")
    expect(answer.locator(".docqa-ref")).to_have_text("[1]")
    source = page.locator("#docqa-sources .docqa-source")
    expect(source).to_have_count(1)
    expect(source.locator(".docqa-source-head")).to_contain_text("June 2019 Istanbul mayoral election")
    quote = source.locator(".docqa-passage mark.docqa-quote")
    expect(quote).to_contain_text("lost 11 districts he had won in March")
    source.locator("summary").click()
    expect(source.locator(".docqa-doc mark.docqa-in-passage mark.docqa-quote")).to_contain_text("lost 11 districts")

    abstained = ask_ui(page, "What is the boiling point of liquid nitrogen on Neptune?")
    expect(abstained).to_have_class("docqa-answer docqa-abstain")
    expect(page.locator("#docqa-sources")).to_contain_text("No sources")

    page.locator("#docqa-clear").click()
    expect(page.locator("#docqa-chat .docqa-answer")).to_have_count(0)
    page.locator(".docqa-example").first.click()
    expect(page.locator("#docqa-chat .docqa-answer")).to_have_count(1)
    assert visit.hosts == {"127.0.0.1"}, f"the UI fetched from elsewhere: {visit.hosts}"
    assert not visit.errors and not visit.dialogs


def test_ui_resolves_a_follow_up_question(visit, seed_url):
    page = visit.page
    page.goto(seed_url + "/")
    first = ask_ui(page, "How many votes did Murat Kurum get in Bağcılar?")
    expect(first).to_contain_text("189,378")
    second = ask_ui(page, "And in Esenler?")
    expect(second).to_contain_text("121,130")
    expect(second.locator(".docqa-notes")).to_contain_text("How many votes did Murat Kurum get in Esenler?")
    source = page.locator("#docqa-sources .docqa-source")
    expect(source.locator(".docqa-row td").first).to_have_text("Esenler")
    expect(source.locator(".docqa-row td.docqa-hit")).to_have_text("121,130")
    expect(source.locator(".docqa-passage mark.docqa-quote")).to_have_text("121,130")


# ---- the widget on another site --------------------------------------------------------------------

def test_widget_on_an_allowed_origin_answers_with_a_citation(visit, seed_url, sites):
    allowed, _ = sites
    page = visit.page
    page.goto(f"{allowed.origin}/seed")
    reply = ask_widget(page, "When was the 2024 Istanbul mayoral election held?")
    expect(reply).to_contain_text("31 March 2024")
    citation = reply.locator(".citation")
    expect(citation.locator(".where")).to_contain_text("[1] 2024 Istanbul mayoral election")
    expect(citation.locator("mark")).to_contain_text("31 March 2024")
    # The host page's `button { background: hotpink !important }` does not reach into the widget.
    style = page.locator("#docqa-widget .send").evaluate(
        "b => [getComputedStyle(b).backgroundColor, getComputedStyle(b).fontSize]")
    assert style[0] != "rgb(255, 105, 180)" and style[1] != "30px", style
    # An abstention for want of confidence cites the nearest passage, labelled as no answer.
    unsure = ask_widget(page, "how many votes did binali yildirim get in the june 2019 rerun")
    expect(unsure).to_have_class("msg bot abstain")
    expect(unsure.locator(".citation .where")).to_contain_text("Nearest passage, no answer: [1]")
    # The widget keeps its own chat history, so follow-ups work there too.
    expect(ask_widget(page, "How many votes did Murat Kurum get in Bağcılar?")).to_contain_text("189,378")
    expect(ask_widget(page, "And in Esenler?")).to_contain_text("121,130")
    # The /embed iframe of the same page loads too: this origin may frame the UI.
    expect(page.frame_locator("iframe").locator("#docqa-question textarea")).to_be_visible()
    assert not visit.errors and not visit.dialogs


def test_widget_on_an_unlisted_origin_is_refused(visit, seed_url, sites):
    _, refused = sites
    page = visit.page
    page.goto(f"{refused.origin}/seed")
    reply = ask_widget(page, "What share of the vote did İmamoğlu win in the June 2019 Istanbul mayoral election?")
    expect(reply).to_have_class("msg bot error")
    expect(reply).to_contain_text("may not be on its allow-list")
    expect(page.locator("#docqa-widget .citation")).to_have_count(0)
    direct = page.evaluate("""url => fetch(url + '/api/ask', {method: 'POST', headers: {'Content-Type': 'application/json'},
                                body: JSON.stringify({question: 'Who won?'})}).then(() => 'answered', e => e.name)""",
                           seed_url)
    assert direct == "TypeError"
    for _ in range(50):  # the iframe's refusal is reported on the console once it has loaded
        if any("frame-ancestors" in line for line in visit.console):
            break
        page.wait_for_timeout(100)
    assert any("frame-ancestors" in line for line in visit.console), "the /embed iframe was not refused"


# ---- hostile document text ---------------------------------------------------------------------------

def test_xss_document_runs_nothing_in_the_ui_or_the_widget(visit, xss_url, sites):
    page = visit.page
    page.goto(xss_url + "/")
    answer = ask_ui(page, "What is the secret harbour gate code? <img src=x onerror=\"alert('question')\">")
    expect(answer).to_contain_text("7731")
    expect(answer).to_contain_text("<script>window.__pwned = 'script'; alert('script')</script>")
    expect(page.locator("#docqa-chat .docqa-question").last).to_contain_text("<img src=x onerror=")
    sources = page.locator("#docqa-sources")
    expect(sources.locator(".docqa-source-head")).to_contain_text('Harbour rules <img src=x onerror="window.__pwned')
    expect(sources.locator(".docqa-passage")).to_contain_text("<a href=\"javascript:alert('a-link')\">the office</a>")
    expect(sources.locator(".docqa-passage")).to_contain_text("${alert('tpl')} {{constructor}}")
    sources.locator("summary").click()
    expect(sources.locator(".docqa-doc")).to_contain_text("[harbour map](javascript:alert('md-link'))")
    page.wait_for_timeout(300)  # give any injected handler a chance to fire
    assert page.evaluate(INJECTED) == {"pwned": None, "img": 0, "jsLinks": 0, "scripts": 0}

    allowed, _ = sites
    page.goto(f"{allowed.origin}/xss")
    reply = ask_widget(page, "What is the secret harbour gate code?")
    expect(reply).to_contain_text("<script>window.__pwned = 'script'; alert('script')</script>")
    expect(reply.locator(".citation .where")).to_contain_text("Harbour rules <img src=x")
    page.wait_for_timeout(300)
    assert page.evaluate(INJECTED) == {"pwned": None, "img": 0, "jsLinks": 0, "scripts": 0}
    assert not visit.dialogs, f"a dialog fired: {visit.dialogs}"
