"""WeasyPrint with a fetcher confined to the project's own assets.

The HTML holds untrusted text, so the renderer may read only files below the allowed
roots (templates, the build's figures); every other URL is refused and logged. Any
warning or error WeasyPrint logs fails the build instead of shipping a silently damaged PDF.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
from html import escape
from pathlib import Path
from urllib.parse import unquote, urlparse

import weasyprint
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

LOGGER = logging.getLogger("briefing.pdf")


class RenderError(Exception):
    """The PDF could not be made as the report requires."""


class ProjectFetcher(URLFetcher):
    """Serves file: URLs below the allowed roots; refuses everything else."""

    def __init__(self, roots: list[Path]):
        super().__init__(allowed_protocols={"file"})
        self.roots = [root.resolve() for root in roots]
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        parsed = urlparse(url)
        path = Path(unquote(parsed.path)).resolve() if parsed.scheme == "file" and not parsed.netloc else None
        if path is None or not any(path.is_relative_to(root) for root in self.roots):
            self.refused.append(url)
            LOGGER.warning("refused to fetch %s: only the project's own assets may be read", url[:200])
            raise ValueError(f"refused: {url[:200]}")
        return super().fetch(url, headers)


class _Complaints(logging.Handler):
    """Collects WeasyPrint's warnings and errors: an ignored CSS rule is a template bug."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def with_stylesheets(html: str, stylesheets: list[Path]) -> str:
    """Link the print stylesheets last in the head, so they override the page's own styles.

    WeasyPrint's stylesheets= argument would make them user styles, which lose to the author's.
    """
    links = "".join(f'<link rel="stylesheet" href="{escape(s.resolve().as_uri())}">' for s in stylesheets)
    return html.replace("</head>", links + "</head>", 1)


def write_pdf(
    html: str,
    target: Path,
    stylesheets: list[Path],
    roots: list[Path],
    epoch: int,
    pages: int | None = None,
    variant: str | None = None,
    attachments: dict[str, bytes] | None = None,
) -> None:
    """Render html to target atomically; pages, when given, is the exact page count required.

    Attachments carry fixed dates (the epoch), so they add no timestamp of their own.
    """
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)  # any timestamp a font subsetter writes is fixed
    fetcher = ProjectFetcher(roots)
    errors = _Complaints()
    weasy_logger = logging.getLogger("weasyprint")
    weasy_logger.addHandler(errors)
    try:
        document = weasyprint.HTML(string=with_stylesheets(html, stylesheets), base_url=str(roots[0]) + "/", url_fetcher=fetcher).render(
            font_config=FontConfiguration(), pdf_variant=variant, pdf_tags=True
        )
        report = f"report {target.parent.name}: {target.name}"  # target is build/<report>/<document>.pdf
        if errors.messages:
            raise RenderError(f"{report}: WeasyPrint reported problems: " + "; ".join(errors.messages))
        if pages is not None and len(document.pages) != pages:
            raise RenderError(
                f"{report} has {len(document.pages)} pages but must have exactly {pages}; shorten the narrative or the forecasts it shows"
                f" (reports/{target.parent.name}/ keeps its previous files until every document renders)"
            )
        partial = target.with_name(f".{target.name}.partial")
        target.parent.mkdir(parents=True, exist_ok=True)
        when = dt.datetime.fromtimestamp(epoch, dt.UTC)
        files = [
            weasyprint.Attachment(file_obj=io.BytesIO(data), name=name, created=when, modified=when, relationship="Source")
            for name, data in (attachments or {}).items()
        ]
        document.write_pdf(partial, pdf_variant=variant, attachments=files, pdf_tags=True)
        os.replace(partial, target)
    finally:
        weasy_logger.removeHandler(errors)
