# Per report, before typesetting: what it shows (context), what changed since the previous
# edition (changes), and what its PDF carries (attachments, with their
# manifest: a manifest records every file of the pipeline, so the pipeline's digest stands for
# them among the inputs, and a changed template writes the attachments again).

import briefing.attachments
import briefing.changes
import briefing.context


rule context:
    input:
        dataset=DATASET,
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
            input.dataset,
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


rule attachments:
    input:
        dataset=DATASET,
        narrative=narrative,
        previous=previous_narrative,
        pipeline=PIPELINE_DIGEST,
    output:
        carried=directory("build/{report}/attachments"),
        manifest="build/{report}/manifest.json",
    log:
        "build/logs/{report}/attachments.log",
    params:
        reports=lambda w: [
            report_settings(REPORTS[r]) for r in (PREVIOUS[w.report], w.report) if r
        ],
        issuer=config["issuer"],
        caps=config["caps"],
        pipeline=[str(path) for path in PIPELINE_FILES],
        commit=COMMIT,
        content=content_of(narrative, previous_narrative),
    run:
        briefing.attachments.run(
            input.dataset,
            input.narrative,
            input.previous,
            params.reports,
            params.issuer,
            params.caps,
            params.pipeline,
            params.commit,
            output.carried,
            output.manifest,
            log=log[0],
        )
