# What the rules share: the reports and their documents, the pipeline's own files, and the
# helpers that turn a job's wildcards into its inputs and settings.

import os
import sys
from pathlib import Path

import briefing.documents
from briefing.config import exit_on_problems, files_outside, previous_editions
from briefing.config import report_settings, with_markings
from briefing.provenance import content_digest, pipeline_commit, pipeline_files
from briefing.schema import (
    ID_PATTERN,
    NARRATIVE_PARTS,
    OPTIONAL_NARRATIVE_PARTS,
    TABLES,
)
from briefing.stage import DATASET, end_of_run

# Each report's settings hold its handling mark, resolved once (briefing.config.with_markings).
REPORTS = {report["id"]: report for report in with_markings(config)}
PREVIOUS = previous_editions(config["reports"])
DOCUMENT = briefing.documents.BY_NAME
# A params value: a new commit of the pipeline's code reruns the manifests that record it.
COMMIT = config.get("pipeline_commit") or pipeline_commit(workflow.basedir) or ""
# The pipeline's own files are local() inputs: with a storage provider (S3), data and outputs
# live in the bucket while code, templates and fonts are read from this checkout.
PIPELINE_FILES = [local(path) for path in pipeline_files(Path(workflow.basedir))]
# The package's modules and the data model they read: a change to either reruns the jobs using them.
CODE = [
    path
    for path in PIPELINE_FILES
    if path.startswith("briefing/") or path == "schemas/datapackage.yaml"
]
FONTS = [path for path in PIPELINE_FILES if path.startswith("templates/fonts/")]
PARTIALS = [path for path in PIPELINE_FILES if path.startswith("templates/partials/")]
SCRIPTS = [path for path in PIPELINE_FILES if path.startswith("templates/js/")]
# The screen stylesheet every HTML document inlines.
SCREEN_CSS = local("templates/css/screen.css")
# The files each digest (build/<name>.sha256, rule digest in rules/digests.smk) stands for in the
# stages' inputs: with hundreds of reports, Snakemake would otherwise check each of them for every job.
DIGESTED = {
    "code": CODE,  # the package's modules and the data model, which every stage reads
    "pipeline": PIPELINE_FILES,  # every file of the pipeline, which each manifest records
    # what an HTML document is made with besides its template: the code, the screen CSS, and the
    # partials, script and fonts it may include
    "html": [*CODE, SCREEN_CSS, *PARTIALS, *SCRIPTS, *FONTS],
}
CODE_DIGEST, PIPELINE_DIGEST, HTML_DIGEST = (
    f"build/{name}.sha256" for name in DIGESTED
)
# The data: a CSV file a table, validated together into the dataset folder (DATASET) the stages read.
TABLE_FILES = [f"data/{table.filename}" for table in TABLES]
ARCHIVE = config.get("source_archive") or ""
ARCHIVE_TEXTS = (
    sorted(
        local(os.path.join(ARCHIVE, name))
        for name in os.listdir(ARCHIVE)
        if os.path.isfile(os.path.join(ARCHIVE, name))
    )
    if os.path.isdir(ARCHIVE)
    else []
)
# Jobs run `python -m briefing` with the Python that runs snakemake, activated or not.
os.environ["PATH"] = os.pathsep.join(
    [os.path.dirname(sys.executable), os.environ["PATH"]]
)


# A report id is matched by its pattern, not by the list of ids: Snakemake tries the constraint for
# every file it matches to a rule, and a list of 300 ids made that grow with the square of the reports.
wildcard_constraints:
    report=ID_PATTERN,
    document="|".join(DOCUMENT),


def made_from(source):
    """The documents whose HTML comes from source ("context": the html rule; "dataset": the annex rule)."""
    return [d for d in DOCUMENT.values() if d.made_from == source]


def narrative_of(report):
    """The report's Markdown: the required parts, and the optional ones it has."""
    folder = REPORTS[report]["narrative"]
    return [f"{folder}/{part}.md" for part in NARRATIVE_PARTS] + [
        f"{folder}/{part}.md"
        for part in OPTIONAL_NARRATIVE_PARTS
        if os.path.isfile(f"{folder}/{part}.md")
    ]


def narrative(wildcards):
    return narrative_of(wildcards.report)


def previous_narrative(wildcards):
    before = PREVIOUS[wildcards.report]
    return narrative_of(before) if before else []


def previous_context(wildcards):
    """The context of the edition before this one in its series; none for a first edition."""
    before = PREVIOUS[wildcards.report]
    return [f"build/{before}/context.json"] if before else []


def settings(wildcards):
    """The report's config entry, as JSON: a params value, so a changed setting reruns the job."""
    return report_settings(REPORTS[wildcards.report])


def template_of(report, document):
    """A document's template in the report's family: templates/<name>.html.j2."""
    family = REPORTS[report]["template"]
    return local(f"templates/{document.template(family)}.html.j2")


def template_file(wildcards):
    return template_of(wildcards.report, DOCUMENT[wildcards.document])


def context_templates(wildcards):
    """The templates of the report's documents made from its context, in made_from("context")'s order."""
    return [template_of(wildcards.report, d) for d in made_from("context")]


def web_fonts(document):
    """The fonts a document's HTML carries (briefing.webfonts): all of them when it is published
    as HTML, to be read on any machine; none when only WeasyPrint reads it. A params value: the
    html digest among the inputs stands for them."""
    return [str(path) for path in FONTS] if document.publishes_html else []


def print_css(wildcards):
    """The print stylesheets of a document: shared, then its own."""
    return [
        local("templates/css/print.css"),
        local(f"templates/css/{wildcards.document}.css"),
    ]


def carried(wildcards):
    """What an archival PDF carries: the report's inputs and their manifest."""
    if not DOCUMENT[wildcards.document].carries_inputs:
        return []
    return [
        f"build/{wildcards.report}/attachments",
        f"build/{wildcards.report}/manifest.json",
    ]


def pdf_options(wildcards):
    return " ".join(DOCUMENT[wildcards.document].pdf_options())


def render_priority(wildcards):
    return DOCUMENT[wildcards.document].priority


def published(report):
    """The files of reports/<id>/, as the build stages them in build/<id>/."""
    return briefing.documents.published(REPORTS[report])


def staged(wildcards):
    return [f"build/{wildcards.report}/{name}" for name in published(wildcards.report)]


def content_of(*sources):
    """A params value: the SHA-256 of a job's source inputs (lists of paths, or functions of the wildcards).

    Snakemake (9.x) records a job's params, not the content of its inputs, and reruns a job
    whose input has a newer modification time: an input edited but given an older time (cp -p,
    rsync, tar, a restore) would not rerun it. The digest as a params value does. Files the
    workflow makes (build/) get fresh times when written, so only source files are named.
    """

    def paths(source, wildcards):
        paths = source(wildcards) if callable(source) else source
        return [paths] if isinstance(paths, str) else paths

    return lambda wildcards: content_digest(
        path for source in sources for path in paths(source, wildcards)
    )


exit_on_problems(
    files_outside(
        workflow.basedir,
        TABLE_FILES
        + [path for report in REPORTS for path in narrative_of(report)]
        + PIPELINE_FILES,
    )
)
