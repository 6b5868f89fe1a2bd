"""The kinds of document a report is made of, each described once.

The Snakefile's rules, the settings check, verify and the README read this table: a new kind
of document is one entry here, plus its template (templates/<family>-<name>.html.j2) and its
print stylesheet (templates/css/<name>.css).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Document:
    name: str
    """Its files: build/<report>/<name>.html and .pdf, published as reports/<report>/<name>.pdf."""
    made_from: str
    """"context": the report's context, changes, charts (drawn from the context) and manifest digest (the html rule);
    "dataset": every row of the edition's validated tables, uncapped (the annex rule)."""
    variant: str | None = None
    """The PDF variant WeasyPrint writes (pdf/a-3a: archival, carrying the report's inputs), or a plain tagged PDF."""
    pages: int | None = None
    """The exact page count it must have (the one-page summary): a render of any other length fails, naming it."""
    priority: int = 0
    """Snakemake's priority for its render, the longest first, so the cores stay busy to the end."""
    wanted_by: str | None = None
    """The report setting that asks for it (`annex: true`); None: every report has it."""
    publishes_html: bool = False
    """Whether its HTML is published too (reports/<report>/<name>.html), for reading on screen."""

    @property
    def carries_inputs(self) -> bool:
        """An archival PDF carries the report's data, narrative, settings and manifest."""
        return self.variant == "pdf/a-3a"

    def template(self, family: str) -> str:
        """Its template's name (without .html.j2) in a report's template family."""
        return family if self.name == DOCUMENTS[0].name else f"{family}-{self.name}"

    def pdf_options(self) -> list[str]:
        return (["--variant", self.variant] if self.variant else []) + (["--pages", str(self.pages)] if self.pages else [])


DOCUMENTS: tuple[Document, ...] = (
    Document("briefing", "context", variant="pdf/a-3a", priority=-2, publishes_html=True),
    Document("summary", "context", pages=1, priority=-3),
    Document("annex", "dataset", priority=-1, wanted_by="annex"),
)
"""The first is the report's main document: its template is the family's own (templates/<family>.html.j2)."""
BY_NAME = {document.name: document for document in DOCUMENTS}
ARCHIVAL = next(document for document in DOCUMENTS if document.carries_inputs)
"""The document that carries the report's inputs, which verify rebuilds."""


def of(report: dict) -> list[Document]:
    """The documents a report is made of (report: its settings)."""
    return [document for document in DOCUMENTS if document.wanted_by is None or report.get(document.wanted_by)]


def published(report: dict) -> list[str]:
    """The files of reports/<id>/: each document's PDF, and the HTML of those read on screen."""
    return [f"{d.name}.html" for d in of(report) if d.publishes_html] + [f"{d.name}.pdf" for d in of(report)]
