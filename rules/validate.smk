# validate: one job for the dataset, every table checked against the tables its ids name (and, for
# quotes and archive files, the archived source texts); every problem of every table at once.

import briefing.validate


rule validate:
    input:
        tables=TABLE_FILES,
        archive=ARCHIVE_TEXTS,
        code=CODE_DIGEST,
    output:
        directory(DATASET),
    log:
        "build/logs/validate.log",
    params:
        archive=ARCHIVE,
        # config.yaml's report ids, which key judgments name: adding or renaming a report checks them again
        reports=list(REPORTS),
        content=content_of(TABLE_FILES, ARCHIVE_TEXTS),
    run:
        briefing.validate.run(
            input.tables, params.archive, params.reports, output[0], log=log[0]
        )
