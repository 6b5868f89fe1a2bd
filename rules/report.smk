# Per report, before typesetting: what it shows (context), what changed since the previous
# edition (changes), its figures (charts), and what its PDF carries (attachments, manifest).

import briefing.attachments
import briefing.changes
import briefing.charts
import briefing.context
import briefing.manifest

DATASET = expand(VALIDATED, table=TABLES_BY_NAME)


rule context:
    input:
        tables=DATASET,
        narrative=narrative,
        code=CODE_DIGEST,
    output:
        "build/{report}/context.json",
    log:
        "build/logs/{report}/context.log",
    params:
        report=settings,
        issuer=config["issuer"],
        caps=config["caps"],
        content=content_of(narrative),
    run:
        briefing.context.run(
            input.tables,
            input.narrative,
            params.report,
            params.issuer,
            params.caps,
            output[0],
            log=log[0],
        )


rule changes:
    input:
        context="build/{report}/context.json",
        previous=previous_context,
        code=CODE_DIGEST,
    output:
        "build/{report}/changes.json",
    log:
        "build/logs/{report}/changes.log",
    run:
        briefing.changes.run(input.context, input.previous, output[0], log=log[0])


rule charts:
    input:
        context="build/{report}/context.json",
        code=CODE_DIGEST,
    output:
        **{
            chart: report(
                f"build/{{report}}/{chart}.svg",
                caption=f"../report/{chart}.rst",
                category="Figures",
                subcategory="{report}",
            )
            for chart in briefing.charts.CHARTS
        },
    log:
        "build/logs/{report}/charts.log",
    run:
        briefing.charts.run(input.context, dict(output.items()), log=log[0])


rule attachments:
    input:
        tables=DATASET,
        narrative=narrative,
        previous=previous_narrative,
        code=CODE_DIGEST,
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
        content=content_of(narrative, previous_narrative),
    run:
        briefing.attachments.run(
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
        pipeline=PIPELINE_DIGEST,
    output:
        "build/{report}/manifest.json",
    log:
        "build/logs/{report}/manifest.log",
    params:
        report=settings,
        commit=COMMIT,
        pipeline=[str(path) for path in PIPELINE_FILES],
    run:
        briefing.manifest.run(
            params.report,
            input.attachments,
            params.pipeline,
            params.commit,
            output[0],
            log=log[0],
        )
