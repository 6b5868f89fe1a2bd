"""Live preview: one report's HTML served on 127.0.0.1, rebuilt and reloaded in the browser
each time its data, narrative, templates or CSS change.

A rebuild is a Snakemake run in this process, on the same Snakefile, profile, rules and stage
functions as `make`: there is one pipeline, and what the preview builds in build/ the next
`make` does not build again. Running Snakemake in the process that watches skips the two
seconds a `snakemake` command spends starting Python and importing Snakemake, so a narrative
edit is back in the browser in under a second (README, Scaling: `make bench` measures it).

Problems with the data appear at the top of the page, as the same `file:line` lines a build
prints, above the last render that succeeded. The PDF is rendered on demand (a button, or the
P key), by the same rule as `make`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import html
import io
import logging
import queue
import re
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from snakemake_interface_logger_plugins.common import LogEvent

from briefing.collector import collector_restored
from briefing.html import hash_source
from briefing.problems import DataError, Problem

BUILD_LOCK = ".build.lock"
"""The lock `make` takes around a build (Makefile): a preview rebuild and a `make` never run at once."""
WATCHED = ("data", "templates", "config.yaml")
"""What an analyst edits between looks; the report's narrative folder is added when it lies elsewhere."""
CLIENT_SCRIPT = """\
(() => {
  const key = "briefing-preview-scroll";
  const y = sessionStorage.getItem(key);
  if (y !== null) { sessionStorage.removeItem(key); window.scrollTo(0, Number(y)); }
  const status = document.getElementById("preview-status");
  const events = new EventSource("/events");
  events.addEventListener("reload", () => { sessionStorage.setItem(key, String(window.scrollY)); location.reload(); });
  events.addEventListener("pdf", (e) => { status.textContent = e.data; if (e.data.startsWith("PDF ready")) window.open("/briefing.pdf"); });
  const renderPdf = () => { status.textContent = "Rendering the PDF\\u2026"; fetch("/pdf", { method: "POST" }); };
  document.getElementById("preview-pdf").addEventListener("click", renderPdf);
  document.addEventListener("keydown", (e) => {
    const typing = e.target.closest("input, textarea, select, [contenteditable]");
    if ((e.key === "p" || e.key === "P") && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) renderPdf();
  });
})();
"""
BAR_STYLE = """\
.preview-bar { position: sticky; top: 0; z-index: 10; font: 14px/1.4 system-ui, sans-serif; background: #1d2b3a; color: #fff; padding: .4rem 1rem; display: flex; gap: 1rem; align-items: center; flex-wrap: wrap; }
.preview-bar button { font: inherit; padding: .15rem .6rem; }
.preview-problems { font: 13px/1.5 ui-monospace, monospace; background: #fff0f0; color: #5c0000; border-bottom: 3px solid #b00020; padding: .6rem 1rem; margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
@media print { .preview-bar, .preview-problems { display: none; } }
"""


@dataclass
class Outcome:
    """What one rebuild gave: success, the problems to show (one line each), how long it took."""

    ok: bool
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0


class _Reported(logging.Filter):
    """Gathers what a Snakemake run reports: the problems stages find in the data (briefing.stage
    attaches them to its record), and the log files of the jobs that fail.

    A filter on Snakemake's logger, not a handler: each run's LoggerManager removes the
    logger's handlers and sets up its own, but leaves its filters.
    """

    def __init__(self):
        super().__init__()
        self.problems: list[Problem] = []
        self.failed_logs: list[str] = []

    def filter(self, record: logging.LogRecord) -> bool:
        self.problems += getattr(record, "briefing_problems", None) or []
        if getattr(record, "event", None) == LogEvent.JOB_ERROR:
            self.failed_logs += [str(path) for path in getattr(record, "log", None) or []]
        return True


def snakemake(arguments: list[str]) -> Outcome:
    """Run Snakemake on the project in the working directory, in this process, as `make` runs it.

    Its output is captured, not printed: the preview prints one line a rebuild. The problems are
    those the stages found in the data, merged as `make` prints them; for a job that failed
    otherwise, the end of its log; failing before any job ran (a bad config.yaml, a missing
    table), what Snakemake printed.
    """
    from snakemake.cli import args_to_api, parse_args
    from snakemake.logging import logger

    reported = _Reported()
    printed = io.StringIO()
    started = time.perf_counter()
    logger.addFilter(reported)
    try:
        with open(BUILD_LOCK, "a") as lock, contextlib.redirect_stderr(printed), contextlib.redirect_stdout(printed):
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                parser, args = parse_args([*arguments, "--quiet", "all"])
                ok = bool(args_to_api(args, parser))
            except SystemExit as stop:  # the Snakefile stops on bad settings (briefing.config.exit_on_problems)
                ok = stop.code in (0, None)
            except Exception as error:  # Snakemake's own errors (a missing input, a syntax error): shown, not raised
                printed.write(f"{type(error).__name__}: {error}\n")
                ok = False
    finally:
        logger.removeFilter(reported)
        collector_restored()  # the Snakefile tuned the collector for a process that ends with the run
    seconds = time.perf_counter() - started
    if ok:
        return Outcome(True, seconds=seconds)
    if reported.problems:
        return Outcome(False, DataError(reported.problems).report().splitlines(), seconds)
    logged = [Path(log).read_text(encoding="utf-8") for log in dict.fromkeys(reported.failed_logs) if Path(log).is_file()]
    lines = [line for text in logged for line in text.splitlines() if line.strip()]
    lines = lines or [
        line for line in printed.getvalue().splitlines() if line.strip() and not line.startswith("Using workflow specific profile")
    ]
    return Outcome(False, lines or ["the build failed, and said nothing: run `make V=1` to see Snakemake's log"], seconds)


CSP_META = re.compile(r'(<meta http-equiv="Content-Security-Policy" content=")([^"]*)(")', re.IGNORECASE)


def _allowing_preview(policy: str) -> str:
    """The page's own Content-Security-Policy, plus the preview's script, style and event stream."""
    additions = {"script-src": hash_source(CLIENT_SCRIPT), "style-src": hash_source(BAR_STYLE), "connect-src": "'self'"}
    directives = [d.strip() for d in html.unescape(policy).split(";") if d.strip()]
    for name, source in additions.items():
        found = [i for i, d in enumerate(directives) if d.split()[0] == name]
        if found:
            directives[found[0]] += f" {source}"
        else:
            directives.append(f"{name} {source}")
    return html.escape("; ".join(directives), quote=True)


def previewed(page: str, report: str, outcome: Outcome | None) -> str:
    """The built HTML as the preview serves it: a bar (status, the PDF button) and any problems
    on top, the live-reload script at the end, and the page's own CSP widened just for these."""
    status = (
        "building\u2026"
        if outcome is None
        else "up to date"
        if outcome.ok
        else "not rebuilt: fix what is listed, and save; below is the last good build"
    )
    bar = (
        f'<div class="preview-bar" role="region" aria-label="Preview"><strong>Preview of {html.escape(report)}</strong>'
        f'<span id="preview-status" role="status">{html.escape(status)}</span>'
        '<button type="button" id="preview-pdf">Render PDF (P)</button></div>'
    )
    if outcome is not None and not outcome.ok:
        bar += '<pre class="preview-problems" role="alert">' + html.escape("\n".join(outcome.problems)) + "</pre>"
    page = CSP_META.sub(lambda m: m.group(1) + _allowing_preview(m.group(2)) + m.group(3), page, count=1)
    page = page.replace("</head>", f"<style>{BAR_STYLE}</style></head>", 1)
    page = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + bar, page, count=1)
    return page.replace("</body>", f"<script>{CLIENT_SCRIPT}</script></body>", 1)


def waiting_page(report: str, outcome: Outcome | None) -> str:
    """What is served before the report has ever been built: the status and any problems."""
    empty = f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Preview of {html.escape(report)}</title></head><body></body></html>'
    return previewed(empty, report, outcome)


class Preview:
    """The state a server thread reads and the building (main) thread writes: the last good page, the last outcome."""

    def __init__(self, report: str, html_path: Path, pdf_path: Path):
        self.report, self.html_path, self.pdf_path = report, html_path, pdf_path
        self.page: str | None = None
        self.outcome: Outcome | None = None
        self.listeners: list[queue.Queue] = []
        self.lock = threading.Lock()
        self.requests: queue.Queue[str] = queue.Queue()

    def built(self, outcome: Outcome) -> None:
        with self.lock:
            self.outcome = outcome
            if outcome.ok and self.html_path.is_file():
                self.page = self.html_path.read_text(encoding="utf-8")
        self.announce("reload", "")

    def announce(self, event: str, data: str) -> None:
        with self.lock:
            for listener in self.listeners:
                listener.put((event, data))

    def served(self) -> str:
        with self.lock:
            return previewed(self.page, self.report, self.outcome) if self.page else waiting_page(self.report, self.outcome)


def handler_for(preview: Preview) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        """GET / (the page), /events (server-sent reload events), /briefing.pdf; POST /pdf (render it)."""

        def log_message(self, format, *args) -> None:  # requests are not worth a terminal line each
            pass

        def _send(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            if self.path in ("/", "/index.html"):
                self._send(200, preview.served().encode("utf-8"), "text/html; charset=utf-8")
            elif self.path == "/briefing.pdf" and preview.pdf_path.is_file():
                self._send(200, preview.pdf_path.read_bytes(), "application/pdf")
            elif self.path == "/events":
                self._stream_events()
            else:
                self._send(404, b"not found\n", "text/plain; charset=utf-8")

        def do_POST(self) -> None:
            if self.path == "/pdf":
                preview.requests.put("pdf")
                self._send(202, b"rendering\n", "text/plain; charset=utf-8")
            else:
                self._send(404, b"not found\n", "text/plain; charset=utf-8")

        def _stream_events(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            events: queue.Queue = queue.Queue()
            with preview.lock:
                preview.listeners.append(events)
            try:
                self.wfile.write(b": connected\n\n")
                self.wfile.flush()
                while True:
                    try:
                        event, data = events.get(timeout=15)
                        self.wfile.write(f"event: {event}\ndata: {data}\n\n".encode())
                    except queue.Empty:
                        self.wfile.write(b": still here\n\n")  # finds a closed connection, and ends its thread
                    self.wfile.flush()
            except OSError:
                pass
            finally:
                with preview.lock:
                    preview.listeners.remove(events)

    return Handler


def watched_paths(project: Path, narrative: str) -> list[Path]:
    paths = [project / name for name in WATCHED]
    folder = (project / narrative).resolve()
    if not any(folder.is_relative_to(p.resolve()) for p in paths):
        paths.append(folder)
    return [p for p in paths if p.exists()]


def _is_edit(change, path: str) -> bool:
    """An analyst's edit, not a file the build or an editor writes beside it."""
    name = Path(path).name
    return not (name.startswith(".") or name.endswith(("~", ".swp")))  # the stages' partial files are .<name>.partial


def watch(paths: list[Path], requests: queue.Queue) -> None:
    """Queue a rebuild after each burst of saves (a thread of its own)."""
    from watchfiles import watch as file_changes

    for _ in file_changes(*paths, watch_filter=_is_edit, debounce=400, step=30):
        requests.put("build")


def serve(report: str, host: str = "127.0.0.1", port: int = 8000) -> int:
    """Serve the report's preview until interrupted.

    Builds run in a thread of their own, so that Ctrl-C or SIGTERM stops the preview at once:
    Snakemake run in the main thread would take SIGTERM for itself (to end its jobs gracefully)."""
    import yaml

    project = Path.cwd()
    reports = {r["id"]: r for r in (yaml.safe_load(Path("config.yaml").read_text(encoding="utf-8")) or {}).get("reports") or []}
    if report not in reports:
        print(f"error: config.yaml has no report {report!r} (its reports: {', '.join(reports) or 'none'})", file=sys.stderr)
        return 1
    preview = Preview(report, project / "build" / report / "briefing.html", project / "build" / report / "briefing.pdf")
    try:
        server = ThreadingHTTPServer((host, port), handler_for(preview))
    except OSError as error:
        print(f"error: cannot serve on {host}:{port}: {error.strerror} (choose another with --port)", file=sys.stderr)
        return 1
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://{host}:{server.server_address[1]}/"
    threading.Thread(target=watch, args=(watched_paths(project, str(reports[report]["narrative"])), preview.requests), daemon=True).start()
    print(f"Preview of {report} at {url}  (saves rebuild it; P in the page renders the PDF; Ctrl-C stops)", flush=True)
    threading.Thread(target=_build_loop, args=(preview,), daemon=True).start()
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        print("Preview stopped.", flush=True)
    finally:
        server.shutdown()
    return 0


def _interrupt(signum, frame) -> None:
    """SIGTERM stops the preview as Ctrl-C does."""
    raise KeyboardInterrupt


def _build_loop(preview: Preview) -> None:
    """Build the HTML now, then again after each burst of edits; the PDF when asked.

    Requests that arrive during a build are served by one build after it, not one each."""
    snakemake(["--unlock"])  # a build killed with the preview leaves Snakemake's lock; BUILD_LOCK says none runs
    html_target = str(preview.html_path.relative_to(Path.cwd()))
    pdf_target = str(preview.pdf_path.relative_to(Path.cwd()))
    pending = {"build"}
    while True:
        if "build" in pending:
            outcome = snakemake([html_target])
            preview.built(outcome)
            _say(f"rebuilt in {outcome.seconds:.2f} s" if outcome.ok else f"not rebuilt ({outcome.seconds:.2f} s):", outcome)
        if "pdf" in pending:
            preview.announce("pdf", "Rendering the PDF\u2026")
            outcome = snakemake([pdf_target])
            preview.announce(
                "pdf", f"PDF ready ({outcome.seconds:.1f} s)" if outcome.ok else "The PDF failed: " + " / ".join(outcome.problems[:3])
            )
            _say(f"PDF {'rendered' if outcome.ok else 'failed'} in {outcome.seconds:.1f} s", outcome)
        pending = {preview.requests.get()}
        while not preview.requests.empty():
            pending.add(preview.requests.get())


def _say(what: str, outcome: Outcome) -> None:
    print(f"{dt.datetime.now():%H:%M:%S}  {what}", flush=True)
    if not outcome.ok:
        print("\n".join(f"  {line}" for line in outcome.problems), flush=True)
