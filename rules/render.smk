# Typesetting: a report's HTML (its documents made from its context and their charts in one job,
# the annex from every row), each document's PDF (a process and a core each), and the report's files published together.

import briefing.annex
import briefing.html
import briefing.publish


rule html:
    input:
        context="build/{report}/context.json",
        changes="build/{report}/changes.json",
        manifest="build/{report}/manifest.json",
        templates=context_templates,
        made_with=HTML_DIGEST,
    output:
        **{
            d.name: report(
                f"build/{{report}}/{d.name}.html",
                caption="../report/html.rst",
                category="HTML",
                subcategory="{report}",
            )
            for d in made_from("context")
        },
        charts=report(
            directory("build/{report}/charts"),
            patterns=["{chart}.svg"],
            caption="../report/charts.rst",
            category="Figures",
            subcategory="{report}",
        ),
    log:
        "build/logs/{report}/html.log",
    params:
        fonts=[web_fonts(d) for d in made_from("context")],
        stylesheet=SCREEN_CSS,
        content=content_of(context_templates),
    run:
        # output[:-1]: the documents, in made_from("context")'s order; the charts' folder is last
        briefing.html.run(
            input.context,
            input.changes,
            input.manifest,
            params.stylesheet,
            input.templates,
            params.fonts,
            output[:-1],
            output.charts,
            log=log[0],
        )


rule annex:
    input:
        dataset=DATASET,
        template=template_file,
        made_with=HTML_DIGEST,
    output:
        "build/{report}/{document}.html",
    log:
        "build/logs/{report}/{document}-html.log",
    wildcard_constraints:
        document="|".join(d.name for d in made_from("dataset")) or "(?!)",
    params:
        report=settings,
        issuer=config["issuer"],
        fonts=lambda w: web_fonts(DOCUMENT[w.document]),
        stylesheet=SCREEN_CSS,
        content=content_of(template_file),
    run:
        briefing.annex.run(
            input.dataset,
            params.report,
            params.issuer,
            input.template,
            params.stylesheet,
            params.fonts,
            output[0],
            log=log[0],
        )


rule pdf:
    input:
        html="build/{report}/{document}.html",
        css=print_css,
        fonts=FONTS,
        carried=carried,
        code=CODE_DIGEST,
    output:
        report(
            "build/{report}/{document}.pdf",
            caption="../report/briefing.rst",
            category="Reports",
            subcategory="{report}",
        ),
    log:
        "build/logs/{report}/{document}-pdf.log",
    benchmark:
        "build/benchmarks/{report}/{document}-pdf.tsv"
    priority: render_priority
    conda:
        "../envs/briefing.yaml"
    params:
        as_of=lambda w: REPORTS[w.report]["as_of"],
        options=pdf_options,
        content=content_of(print_css, FONTS),
    shell:
        "python -m briefing pdf --html {input.html:q} --stylesheet {input.css[0]:q} "
        "--stylesheet {input.css[1]:q} --allow templates --as-of {params.as_of} "
        "{params.options} --carry {input.carried:q} --out {output:q} 2>&1 | tee {log:q}"


# A report's files reach reports/<id>/ together, once every one of them has been made: a render
# that fails leaves the previous complete set (or none), never a new HTML beside old PDFs.
# Snakemake (9.x) cannot make a rule's outputs depend on a wildcard's value, so each set of
# documents the reports have (with an annex, without) gets a rule of its own. A copy is no
# work for a cluster: it runs where Snakemake runs.
# (report_id, not report: a global named report would hide Snakemake's report() from a second
# parse of the rules in one process, as the live preview does.)
REPORTS_PUBLISHING = {}
for report_id in REPORTS:
    REPORTS_PUBLISHING.setdefault(tuple(published(report_id)), []).append(report_id)

for files, reports in REPORTS_PUBLISHING.items():
    optional = [
        d.name for d in briefing.documents.of(REPORTS[reports[0]]) if d.wanted_by
    ]

    rule:
        name:
            "publish" + "".join(f"_with_{name}" for name in optional)
        input:
            staged,
        output:
            [f"reports/{{report}}/{name}" for name in files],
        log:
            "build/logs/{report}/publish.log",
        wildcard_constraints:
            report="|".join(reports),
        localrule: True
        run:
            briefing.publish.run(input, output, log=log[0])
