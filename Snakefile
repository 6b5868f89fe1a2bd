# The build graph of the briefing pipeline, read as a table of contents: the settings are
# checked, then each stage's rules are included from rules/. All logic lives in the briefing
# package, one module a stage (README.md, "How it works"; "Changing the pipeline").
#
#   data/ -> validate -> per report: context -> changes -> html (briefing, summary, their charts)
#                                    annex (every row) ; attachments (with their manifest)
#         -> pdf (per document) -> publish (reports/<id>/, all documents together)

from snakemake.utils import min_version, validate

from briefing.config import (
    check_config,
    exit_on_problems,
    missing_tables,
    settings_file,
    with_command_line,
)
from briefing.pending import start as start_pending_watch
from briefing.collector import long_lived_collector, running_collector
from briefing.stage import without_rate_limit
from briefing.schema import TABLES

min_version("9.0")
# Python's collector stops rescanning what lives until Snakemake ends (briefing/collector.py).
long_lived_collector()

# config.yaml, read by briefing's plain-YAML reader (not by a `configfile:` directive: Snakemake's
# reader takes three times as long over hundreds of reports); --config and --configfile still win.
SETTINGS, SETTINGS_PROBLEMS = settings_file("config.yaml")
exit_on_problems(SETTINGS_PROBLEMS)
config.update(
    with_command_line(
        SETTINGS,
        workflow.config_settings.overwrite_config,
        workflow.config_settings.replace_workflow_config,
    )
)


report: "report/workflow.rst"


envvars:
    "PATH",


exit_on_problems(
    check_config(config, workflow.basedir) + missing_tables(workflow.basedir, TABLES)
)
# The settings are valid by now: Snakemake's validate only fills in the schema's defaults.
validate(config, "schemas/config.schema.yaml")


include: "rules/common.smk"
include: "rules/digests.smk"
include: "rules/validate.smk"
include: "rules/report.smk"
include: "rules/render.smk"


onstart:
    # On SLURM, a job that no node of its partition can run is explained and cancelled (briefing/pending.py).
    start_pending_watch(workflow.executor_plugin.name, workflow.workdir_init)
    # On this machine, no scheduler pass every second for every job run (briefing/stage.py).
    without_rate_limit(workflow.scheduler, workflow.executor_plugin.name)
    running_collector()


rule all:
    input:
        [f"reports/{report}/{name}" for report in REPORTS for name in published(report)],


onsuccess:
    end_of_run()


onerror:
    end_of_run()
