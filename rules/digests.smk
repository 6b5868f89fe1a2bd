# The digests that stand, in the stages' inputs, for files every report's jobs depend on: with
# hundreds of reports, Snakemake would otherwise check each of these files for every job.


# Every stage reads the package's modules: they are one input, their digest, written anew (and so
# rerunning every stage) when one of them is newer or holds other bytes.
rule code:
    input:
        CODE,
    output:
        CODE_DIGEST,
    log:
        "build/logs/code.log",
    localrule: True
    params:
        content=content_of(CODE),
    run:
        Path(output[0]).write_text(f"{params.content}\n", encoding="utf-8")
        Path(log[0]).write_text("", encoding="utf-8")


# A manifest records every file of the pipeline: one input, their digest, stands for them.
rule pipeline:
    input:
        PIPELINE_FILES,
    output:
        PIPELINE_DIGEST,
    log:
        "build/logs/pipeline.log",
    localrule: True
    params:
        content=content_of(PIPELINE_FILES),
    run:
        Path(output[0]).write_text(f"{params.content}\n", encoding="utf-8")
        Path(log[0]).write_text("", encoding="utf-8")


# The partials, scripts and fonts of the HTML documents: one input, their digest, stands for them.
rule assets:
    input:
        ASSETS,
    output:
        ASSETS_DIGEST,
    log:
        "build/logs/assets.log",
    localrule: True
    params:
        content=content_of(ASSETS),
    run:
        Path(output[0]).write_text(f"{params.content}\n", encoding="utf-8")
        Path(log[0]).write_text("", encoding="utf-8")
