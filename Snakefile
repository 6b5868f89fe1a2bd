# The build graph of the briefing pipeline; all logic lives in the briefing package.
# data/ -> validated tables -> per report: context, chart -> HTML -> PDF. See README.md.

import sys

from snakemake.utils import min_version, validate

from briefing.config import check_config, exit_on_problems, report_settings

min_version("9.0")


configfile: "config.yaml"


validate(config, "schemas/config.schema.yaml")
exit_on_problems(check_config(config, workflow.basedir))

REPORTS = {report["id"]: report for report in config["reports"]}
TABLES = ["sources", "actors", "analysts", "hypotheses", "events", "motives", "forecasts"]
NARRATIVE = ["bottom-line", "key-judgments"]
PYTHON = sys.executable  # the environment snakemake runs in, activated or not
CODE = sorted(glob_wildcards("briefing/{module}.py").module)
SHARED_TEMPLATES = sorted(glob_wildcards("templates/partials/{name}.j2").name)


def code():
    """The package's modules: a change to the pipeline's code reruns its jobs."""
    return expand("briefing/{module}.py", module=CODE)


wildcard_constraints:
    report="|".join(REPORTS),
    document="briefing|summary",


def narrative_of(report):
    return [f"{REPORTS[report]['narrative']}/{part}.md" for part in NARRATIVE]


def template_of(wildcards):
    """The report's template family: templates/<name>.html.j2 and <name>-summary.html.j2."""
    name = REPORTS[wildcards.report]["template"]
    return name if wildcards.document == "briefing" else f"{name}-summary"


def template_files(wildcards):
    return [f"templates/{template_of(wildcards)}.html.j2", "templates/css/screen.css"] + [
        f"templates/partials/{name}.j2" for name in SHARED_TEMPLATES
    ]


def html_of(wildcards):
    """The briefing's HTML is itself an output; the summary's is an intermediate file."""
    folder = "reports" if wildcards.document == "briefing" else "build"
    return f"{folder}/{wildcards.report}/{wildcards.document}.html"


rule all:
    input:
        expand("reports/{report}/{document}.pdf", report=REPORTS, document=["briefing", "summary"]),
        expand("reports/{report}/briefing.html", report=REPORTS),


rule validate:
    input:
        tables=expand("data/{table}.csv", table=TABLES),
        narrative=[path for report in REPORTS for path in narrative_of(report)],
        code=code(),
    output:
        expand("build/dataset/{table}.json", table=TABLES),
    params:
        archive=config.get("source_archive", ""),
    log:
        "build/logs/validate.log",
    shell:
        "{PYTHON} -m briefing validate --data data --narrative {input.narrative:q} "
        "--archive={params.archive:q} --out build/dataset 2>&1 | tee {log:q}"


rule context:
    input:
        tables=expand("build/dataset/{table}.json", table=TABLES),
        narrative=lambda w: narrative_of(w.report),
        code=code(),
    output:
        "build/{report}/context.json",
    params:
        report=lambda w: report_settings(REPORTS[w.report]),
        issuer=config["issuer"],
    log:
        "build/logs/{report}/context.log",
    shell:
        "{PYTHON} -m briefing context --dataset build/dataset --report {params.report:q} "
        "--issuer {params.issuer:q} --out {output:q} 2>&1 | tee {log:q}"


rule chart:
    input:
        events="build/dataset/events.json",
        code=code(),
    output:
        "build/{report}/timeline.svg",
    params:
        as_of=lambda w: REPORTS[w.report]["as_of"],
    log:
        "build/logs/{report}/chart.log",
    shell:
        "{PYTHON} -m briefing chart --dataset build/dataset --as-of {params.as_of} "
        "--out {output:q} 2>&1 | tee {log:q}"


rule html:
    input:
        context="build/{report}/context.json",
        chart="build/{report}/timeline.svg",
        templates=template_files,
        code=code(),
    output:
        "{folder}/{report}/{document}.html",
    wildcard_constraints:
        folder="reports|build",
    params:
        template=template_of,
    log:
        "build/logs/{report}/{folder}-{document}-html.log",
    shell:
        "{PYTHON} -m briefing html --context {input.context:q} --chart {input.chart:q} "
        "--templates templates --template {params.template} --out {output:q} 2>&1 | tee {log:q}"


rule pdf:
    input:
        html=html_of,
        css=["templates/css/print.css", "templates/css/{document}.css"],
        fonts=expand("templates/fonts/{font}.woff2", font=sorted(glob_wildcards("templates/fonts/{font}.woff2").font)),
        code=code(),
    output:
        "reports/{report}/{document}.pdf",
    params:
        as_of=lambda w: REPORTS[w.report]["as_of"],
        pages=lambda w: "--pages 1" if w.document == "summary" else "",
    log:
        "build/logs/{report}/{document}-pdf.log",
    benchmark:
        "build/benchmarks/{report}/{document}-pdf.tsv"
    shell:
        "{PYTHON} -m briefing pdf --html {input.html:q} --stylesheet templates/css/print.css "
        "--stylesheet templates/css/{wildcards.document}.css --allow templates "
        "--allow build/{wildcards.report} --as-of {params.as_of} {params.pages} "
        "--out {output:q} 2>&1 | tee {log:q}"
