# validate: one job per table, reading the tables its ids name (and, for quotes and archive
# files, the archived source texts); every problem of every table at once.

import briefing.validate
from briefing.stage import VALIDATED


rule validate:
    input:
        table=table_file,
        referenced=referenced_tables,
        archive=archive_texts,
        code=CODE_DIGEST,
    output:
        VALIDATED,
    log:
        "build/logs/validate-{table}.log",
    params:
        archive=ARCHIVE,
        reports=reports_named,
        content=content_of(table_file, referenced_tables, archive_texts),
    run:
        briefing.validate.run(
            input.table, params.archive, params.reports, output[0], log=log[0]
        )
