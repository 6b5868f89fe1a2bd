"""The data model: every table in data/, its columns, their types and allowed values.

This is the single description of the data; the loader validates against it and the
README documents it. Nothing here is specific to one crisis.
"""

from __future__ import annotations

from dataclasses import dataclass

LIST_SEPARATOR = ";"
"""Separator between items of a list inside one cell (e.g. `kim-jong-un;moon-jae-in`)."""

UNATTRIBUTED = "outlet"
"""Written instead of an analyst id when a claim is the outlet's own, unattributed."""

DATE_PRECISIONS = ("day", "month", "year")

# ICD 203 estimative language: term -> (lowest, highest) probability it stands for.
ESTIMATIVE_TERMS: dict[str, tuple[float, float]] = {
    "almost no chance": (0.01, 0.05),
    "very unlikely": (0.05, 0.20),
    "unlikely": (0.20, 0.45),
    "roughly even chance": (0.45, 0.55),
    "likely": (0.55, 0.80),
    "very likely": (0.80, 0.95),
    "almost certain": (0.95, 0.99),
}

# Admiralty (NATO) source reliability grades.
RELIABILITY_GRADES: dict[str, str] = {
    "A": "Completely reliable",
    "B": "Usually reliable",
    "C": "Fairly reliable",
    "D": "Not usually reliable",
    "E": "Unreliable",
    "F": "Reliability cannot be judged",
}

NARRATIVE_PARTS = ("bottom-line", "key-judgments")
"""Markdown files every report's narrative directory holds, e.g. bottom-line.md."""

OPTIONAL_NARRATIVE_PARTS = ("outlook",)
"""Markdown files a report's narrative directory may hold: outlook.md, the indicators to watch."""

OUTCOMES = ("open", "yes", "no", "partial", "ambiguous")
SCORED_OUTCOMES = ("yes", "no")
"""Only a plain yes or no is scored; partial and ambiguous outcomes are counted, not scored."""

EVENT_CATEGORIES = ("military", "diplomatic", "political", "economic", "information")
IMPACTS = ("high", "medium", "low")
MAX_QUOTE_WORDS = 30


@dataclass(frozen=True)
class Column:
    """One column of a table.

    kind is one of: id (a slug), text, date (in the form its precision column names),
    day (YYYY-MM-DD), integer, probability, enum, yesno.
    """

    name: str
    kind: str = "text"
    required: bool = True
    choices: tuple[str, ...] = ()
    is_list: bool = False
    references: str | None = None  # table whose id this column holds
    allow_unattributed: bool = False  # may hold UNATTRIBUTED instead of a reference
    precision_column: str | None = None  # for kind == "date"
    minimum: int | None = None
    maximum: int | None = None
    max_length: int = 2000  # characters: a longer cell is a paste gone wrong, not prose for a briefing
    help: str = ""


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    help: str = ""
    key: str = "id"
    may_be_empty: bool = False  # a header with no rows is valid

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def references(self) -> list[str]:
        """Tables whose ids this table's cells name, so validating it reads them too."""
        return sorted({c.references for c in self.columns if c.references})


def _id(help: str = "unique short slug: lowercase letters, digits and hyphens") -> Column:
    return Column("id", "id", max_length=80, help=help)


TABLES: tuple[Table, ...] = (
    Table(
        "sources",
        (
            _id(),
            Column("title", max_length=200, help="the article's headline"),
            Column("outlet", help="who published it"),
            Column("author", required=False, help="empty when the source names no author"),
            Column(
                "published",
                "date",
                precision_column="published_precision",
                help="YYYY-MM-DD, YYYY-MM or YYYY, matching published_precision",
            ),
            Column("published_precision", "enum", choices=DATE_PRECISIONS),
            Column("kind", "enum", choices=("news", "analysis", "interview", "opinion")),
            Column(
                "reliability",
                "enum",
                choices=tuple(RELIABILITY_GRADES),
                help="Admiralty grade A (completely reliable) to F (cannot be judged)",
            ),
            Column(
                "archive_file",
                required=False,
                help="file name of the archived text in config's source_archive",
            ),
            Column(
                "inferred",
                required=False,
                help="which facts about the source were inferred rather than stated",
            ),
        ),
        help="the articles every fact, motive and forecast cites",
    ),
    Table(
        "actors",
        (
            _id(),
            Column("name", max_length=120),
            Column("name_local", required=False, max_length=120, help="name in the local script"),
            Column("kind", "enum", choices=("state", "person", "organisation")),
            Column("country"),
            Column("role", help="the actor's part in the story, one phrase"),
        ),
        help="states, people and organisations whose actions and motives the reports cover",
    ),
    Table(
        "analysts",
        (_id(), Column("name", max_length=120), Column("affiliation", max_length=300)),
        help="the named experts whose views and forecasts the sources report",
    ),
    Table(
        "hypotheses",
        (
            _id(),
            Column("label", max_length=60, help="short name shown in the matrix of explanations"),
            Column("description", help="one sentence"),
        ),
        help="categories of explanation that motives are grouped under",
    ),
    Table(
        "events",
        (
            _id(),
            Column(
                "date",
                "date",
                precision_column="date_precision",
                help="YYYY-MM-DD, YYYY-MM or YYYY, matching date_precision",
            ),
            Column("date_precision", "enum", choices=DATE_PRECISIONS),
            Column("title", max_length=80, help="headline of at most 80 characters"),
            Column("summary", help="one sentence"),
            Column("actors", "id", is_list=True, references="actors"),
            Column("category", "enum", choices=EVENT_CATEGORIES),
            Column(
                "escalation",
                "integer",
                minimum=-2,
                maximum=2,
                help="-2 (strong de-escalation) to +2 (strong escalation)",
            ),
            Column("sources", "id", is_list=True, references="sources"),
            Column("note", required=False, help="e.g. a correction of a source's error"),
        ),
        help="what happened, when, who was involved and who reports it",
    ),
    Table(
        "motives",
        (
            _id(),
            Column("actor", "id", references="actors", help="whose motive"),
            Column("motive", help="the motive in one sentence"),
            Column("hypothesis", "id", references="hypotheses"),
            Column(
                "asserted_by",
                "id",
                references="analysts",
                allow_unattributed=True,
                help=f"an analyst id, or `{UNATTRIBUTED}` when the source says it unattributed",
            ),
            Column("stance", "enum", choices=("asserts", "rejects")),
            Column("source", "id", references="sources"),
            Column("quote", help=f"verbatim from the source, at most {MAX_QUOTE_WORDS} words"),
            Column("note", required=False),
        ),
        help="motives that named analysts (or outlets) attribute to actors, or reject",
    ),
    Table(
        "forecasts",
        (
            _id(),
            Column("statement", help="the prediction, stated so it can be checked"),
            Column(
                "forecaster",
                "id",
                references="analysts",
                allow_unattributed=True,
                help=f"an analyst id, or `{UNATTRIBUTED}`",
            ),
            Column("source", "id", references="sources"),
            Column("made_on", "day", help="YYYY-MM-DD"),
            Column("horizon", "day", help="YYYY-MM-DD by which it is judged"),
            Column("estimative_term", "enum", choices=tuple(ESTIMATIVE_TERMS)),
            Column("probability", "probability", help="0 to 1, inside the term's ICD 203 range"),
            Column(
                "probability_inferred",
                "yesno",
                help="yes when the source gave only words and the number is the range's midpoint",
            ),
            Column("resolution_criteria", help="what exactly counts as it coming true"),
            Column("impact", "enum", choices=IMPACTS, help="how consequential if it happens"),
            Column("note", required=False),
        ),
        help="dated, checkable predictions with their estimative probability",
    ),
)

TABLES = (
    *TABLES,
    Table(
        "outcomes",
        (
            Column("forecast", "id", references="forecasts", help="the forecast this row resolves; one row per forecast"),
            Column("outcome", "enum", choices=OUTCOMES),
            Column("resolved_on", "day", required=False, help="YYYY-MM-DD when the outcome became known; empty while open"),
            Column("note", help="how it resolved and why, or why it is still open"),
            Column("citation", required=False, help="the public record it rests on; required for yes, no and partial"),
        ),
        help="what became of each forecast, judged against its resolution criteria",
        key="forecast",
        may_be_empty=True,
    ),
)

TABLES_BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}
