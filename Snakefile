# The build graph of the briefing pipeline; all logic lives in the briefing package.
# data/ -> validated tables -> per report: context, chart -> HTML -> PDF. See README.md.

import os
import sys

from snakemake.utils import min_version, validate

import briefing.schema
from briefing import steps
from briefing.provenance import content_digest, pipeline_commit
from briefing.config import (
    check_config,
    exit_on_problems,
    files_outside,
    missing_tables,
    previous_editions,
    report_settings,
    settings_file_problems,
)

min_version("9.0")

exit_on_problems(settings_file_problems("config.yaml"))


configfile: "config.yaml"


report: "report/workflow.rst"


envvars:
    "PATH",


exit_on_problems(
    check_config(config, workflow.basedir)
    + missing_tables(workflow.basedir, briefing.schema.TABLES)
)
validate(config, "schemas/config.schema.yaml")

REPORTS = {report["id"]: report for report in config["reports"]}
PREVIOUS = previous_editions(config["reports"])
# A params value: a new commit of the pipeline's code reruns the manifests that record it.
COMMIT = config.get("pipeline_commit") or pipeline_commit(workflow.basedir) or ""
# The pipeline's own files are local() inputs: with a storage provider (S3), data and outputs
# live in the bucket while code, templates and fonts are read from this checkout.
PIPELINE_FILES = sorted(
    local(path)
    for path in ["Snakefile", "requirements.lock", "schemas/datapackage.yaml"]
    + expand(
        "briefing/{module}.py", module=glob_wildcards("briefing/{module}.py").module
    )
    + expand("templates/{path}", path=glob_wildcards("templates/{path}").path)
    if os.path.isfile(path)
)
TABLES = {table.name: table for table in briefing.schema.TABLES}
NARRATIVE = briefing.schema.NARRATIVE_PARTS
# Jobs run `python -m briefing` with the Python that runs snakemake, activated or not.
os.environ["PATH"] = os.pathsep.join(
    [os.path.dirname(sys.executable), os.environ["PATH"]]
)
CODE = sorted(glob_wildcards("briefing/{module}.py").module)
SHARED_TEMPLATES = sorted(glob_wildcards("templates/partials/{name}.j2").name)
FONTS = [
    local(f"templates/fonts/{font}.ttf")
    for font in sorted(glob_wildcards("templates/fonts/{font}.ttf").font)
]
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


def code():
    """The package's modules and the data model they read: a change to either reruns its jobs."""
    return [local(f"briefing/{module}.py") for module in CODE] + [
        local("schemas/datapackage.yaml")
    ]


onsuccess:
    steps.end_of_run()


onerror:
    steps.end_of_run()


wildcard_constraints:
    report="|".join(REPORTS),
    document="briefing|summary|annex",
    table="|".join(TABLES),


def narrative_of(report):
    """The report's Markdown: the required parts, and the optional ones it has."""
    folder = REPORTS[report]["narrative"]
    optional = briefing.schema.OPTIONAL_NARRATIVE_PARTS
    return [f"{folder}/{part}.md" for part in NARRATIVE] + [
        f"{folder}/{part}.md"
        for part in optional
        if os.path.isfile(f"{folder}/{part}.md")
    ]


def previous_context(wildcards):
    """The context of the edition before this one in its series; none for a first edition."""
    before = PREVIOUS[wildcards.report]
    return [f"build/{before}/context.json"] if before else []


def template_of(wildcards):
    """The report's template family: templates/<name>.html.j2 and <name>-summary.html.j2."""
    name = REPORTS[wildcards.report]["template"]
    return name if wildcards.document == "briefing" else f"{name}-{wildcards.document}"


def template_files(name):
    """A template, the screen CSS it inlines and the partials it may include."""
    return [local(f"templates/{name}.html.j2"), local("templates/css/screen.css")] + [
        local(f"templates/partials/{partial}.j2") for partial in SHARED_TEMPLATES
    ]


def annex_template(wildcards):
    return f"{REPORTS[wildcards.report]['template']}-annex"


def table_file(wildcards):
    return f"data/{wildcards.table}.csv"


def archive_texts(wildcards):
    """The archived source texts, read by the quote check (motives) and the archive_file check (sources)."""
    return ARCHIVE_TEXTS if wildcards.table in ("sources", "motives") else []


def print_css(wildcards):
    """The print stylesheets of a document: shared, then its own."""
    return [
        local("templates/css/print.css"),
        local(f"templates/css/{wildcards.document}.css"),
    ]


def referenced_tables(wildcards):
    """Validating a table checks the ids it names, so it reads the tables they belong to."""
    return [f"data/{name}.csv" for name in TABLES[wildcards.table].references]


def previous_narrative(wildcards):
    before = PREVIOUS[wildcards.report]
    return narrative_of(before) if before else []


def pdf_extras(wildcards):
    """The briefing is archival PDF/A-3a carrying its inputs; summary and annex are tagged PDFs."""
    if wildcards.document == "summary":
        return "--pages 1"
    if wildcards.document == "annex":
        return ""
    return "--variant pdf/a-3a"


def render_priority(wildcards):
    """The quick stages (priority 0) first, then the longest renders: the cores stay busy to the end."""
    return {"annex": -1, "briefing": -2, "summary": -3}[wildcards.document]


def documents(report):
    """What a report is made of: briefing, one-page summary, and the annex if it asks for one."""
    return ["briefing", "summary"] + (["annex"] if REPORTS[report]["annex"] else [])


def published(report):
    """The files of reports/<id>/, as the build stages them in build/<id>/."""
    return ["briefing.html"] + [f"{document}.pdf" for document in documents(report)]


def staged(wildcards):
    return [f"build/{wildcards.report}/{name}" for name in published(wildcards.report)]


def content_of(*sources):
    """A params value: the SHA-256 of a job's source inputs (lists of paths, or functions of the wildcards).

    Snakemake records params with a job's outputs and reruns the job when they change, so an
    input whose content changed reruns it even when its modification time is older than the
    outputs' (as cp -p, rsync, tar and restores leave it). Files the workflow makes (build/)
    get fresh times when they are written, so only source files are named.
    """

    def paths(source, wildcards):
        paths = source(wildcards) if callable(source) else source
        return [paths] if isinstance(paths, str) else paths

    return lambda wildcards: content_digest(
        path for source in sources for path in paths(source, wildcards)
    )


WITH_ANNEX = [report for report in REPORTS if REPORTS[report]["annex"]]


exit_on_problems(
    files_outside(
        workflow.basedir,
        [f"data/{name}.csv" for name in TABLES]
        + [path for report in REPORTS for path in narrative_of(report)]
        + PIPELINE_FILES,
    )
)


rule all:
    input:
        [f"reports/{report}/{name}" for report in REPORTS for name in published(report)],


rule validate:
    input:
        table=table_file,
        referenced=referenced_tables,
        archive=archive_texts,
        code=code(),
    output:
        "build/dataset/{table}.pickle",
    log:
        "build/logs/validate-{table}.log",
    params:
        archive=ARCHIVE,
        content=content_of(table_file, referenced_tables, archive_texts, code()),
    run:
        steps.validate(input.table, params.archive, output[0], log=log[0])


rule context:
    input:
        tables=expand("build/dataset/{table}.pickle", table=TABLES),
        narrative=lambda w: narrative_of(w.report),
        code=code(),
    output:
        "build/{report}/context.json",
    log:
        "build/logs/{report}/context.log",
    params:
        report=lambda w: report_settings(REPORTS[w.report]),
        issuer=config["issuer"],
        caps=config["caps"],
        content=content_of(lambda w: narrative_of(w.report), code()),
    run:
        steps.build_context(
            input.tables,
            input.narrative,
            params.report,
            params.issuer,
            params.caps,
            output[0],
            log=log[0],
        )


rule attachments:
    input:
        tables=expand("build/dataset/{table}.pickle", table=TABLES),
        narrative=lambda w: narrative_of(w.report),
        previous=previous_narrative,
        code=code(),
    output:
        directory("build/{report}/attachments"),
    log:
        "build/logs/{report}/attachments.log",
    params:
        reports=lambda w: [
            report_settings(REPORTS[r]) for r in (PREVIOUS[w.report], w.report) if r
        ],
        issuer=config["issuer"],
        caps=config["caps"],
        content=content_of(lambda w: narrative_of(w.report), previous_narrative, code()),
    run:
        steps.attachments(
            input.tables,
            input.narrative,
            input.previous,
            params.reports,
            params.issuer,
            params.caps,
            output[0],
            log=log[0],
        )


rule manifest:
    input:
        attachments="build/{report}/attachments",
        pipeline=PIPELINE_FILES,
    output:
        "build/{report}/manifest.json",
    log:
        "build/logs/{report}/manifest.log",
    params:
        report=lambda w: report_settings(REPORTS[w.report]),
        commit=COMMIT,
        content=content_of(PIPELINE_FILES),
    run:
        steps.manifest(
            params.report,
            input.attachments,
            input.pipeline,
            params.commit,
            output[0],
            log=log[0],
        )


rule changes:
    input:
        context="build/{report}/context.json",
        previous=previous_context,
        code=code(),
    output:
        "build/{report}/changes.json",
    log:
        "build/logs/{report}/changes.log",
    params:
        content=content_of(code()),
    run:
        steps.edition_changes(input.context, input.previous, output[0], log=log[0])


rule timeline:
    input:
        events="build/dataset/events.pickle",
        sources="build/dataset/sources.pickle",
        code=code(),
    output:
        report(
            "build/{report}/timeline.svg",
            caption="report/timeline.rst",
            category="Figures",
            subcategory="{report}",
        ),
    log:
        "build/logs/{report}/timeline.log",
    params:
        as_of=lambda w: REPORTS[w.report]["as_of"],
        cap=config["caps"]["events"],
        content=content_of(code()),
    run:
        steps.timeline(
            [input.events, input.sources],
            params.as_of,
            params.cap,
            output[0],
            log=log[0],
        )


rule calibration:
    input:
        context="build/{report}/context.json",
        code=code(),
    output:
        report(
            "build/{report}/calibration.svg",
            caption="report/calibration.rst",
            category="Figures",
            subcategory="{report}",
        ),
    log:
        "build/logs/{report}/calibration.log",
    params:
        content=content_of(code()),
    run:
        steps.calibration(input.context, output[0], log=log[0])


rule html:
    input:
        context="build/{report}/context.json",
        changes="build/{report}/changes.json",
        timeline="build/{report}/timeline.svg",
        calibration="build/{report}/calibration.svg",
        manifest="build/{report}/manifest.json",
        templates=lambda w: template_files(template_of(w)),
        code=code(),
    output:
        report(
            "build/{report}/{document}.html",
            caption="report/html.rst",
            category="HTML",
            subcategory="{report}",
        ),
    log:
        "build/logs/{report}/{document}-html.log",
    wildcard_constraints:
        document="briefing|summary",
    params:
        template=template_of,
        content=content_of(lambda w: template_files(template_of(w)), code()),
    run:
        steps.html(input, params.template, output[0], log=log[0])


rule annex:
    input:
        tables=expand("build/dataset/{table}.pickle", table=TABLES),
        templates=lambda w: template_files(annex_template(w)),
        code=code(),
    output:
        "build/{report}/annex.html",
    log:
        "build/logs/{report}/annex-html.log",
    params:
        report=lambda w: report_settings(REPORTS[w.report]),
        issuer=config["issuer"],
        template=annex_template,
        content=content_of(lambda w: template_files(annex_template(w)), code()),
    run:
        steps.annex(
            input.tables,
            params.report,
            params.issuer,
            params.template,
            output[0],
            log=log[0],
        )


rule pdf:
    input:
        html="build/{report}/{document}.html",
        css=print_css,
        fonts=FONTS,
        carried=lambda w: (
            [f"build/{w.report}/attachments", f"build/{w.report}/manifest.json"]
            if w.document == "briefing"
            else []
        ),
        code=code(),
    output:
        report(
            "build/{report}/{document}.pdf",
            caption="report/briefing.rst",
            category="Reports",
            subcategory="{report}",
        ),
    log:
        "build/logs/{report}/{document}-pdf.log",
    benchmark:
        "build/benchmarks/{report}/{document}-pdf.tsv"
    priority: render_priority
    conda:
        "envs/briefing.yaml"
    params:
        as_of=lambda w: REPORTS[w.report]["as_of"],
        extras=pdf_extras,
        content=content_of(print_css, FONTS, code()),
    shell:
        "python -m briefing pdf --html {input.html:q} --stylesheet {input.css[0]:q} "
        "--stylesheet {input.css[1]:q} --allow templates --as-of {params.as_of} "
        "{params.extras} --carry {input.carried:q} --out {output:q} 2>&1 | tee {log:q}"


# A report's files reach reports/<id>/ together, once every one of them has been made: a render
# that fails leaves the previous complete set (or none), never a new HTML beside old PDFs.
# A copy is no work for a cluster: it runs where Snakemake runs.
localrules:
    publish,
    publish_with_annex,


rule publish:
    input:
        staged,
    output:
        "reports/{report}/briefing.html",
        "reports/{report}/briefing.pdf",
        "reports/{report}/summary.pdf",
    log:
        "build/logs/{report}/publish.log",
    wildcard_constraints:
        report="|".join(r for r in REPORTS if r not in WITH_ANNEX) or "(?!)",
    run:
        steps.publish(input, output, log=log[0])


use rule publish as publish_with_annex with:
    output:
        "reports/{report}/briefing.html",
        "reports/{report}/briefing.pdf",
        "reports/{report}/summary.pdf",
        "reports/{report}/annex.pdf",
    log:
        "build/logs/{report}/publish.log",
    wildcard_constraints:
        report="|".join(WITH_ANNEX) or "(?!)",
