"""`python -m snakemake_logger_plugin_briefing [snakemake options]`: Snakemake, with this package
registered as the logger plugin `briefing` (the Makefile's build adds `--logger briefing`).

Snakemake lists logger plugins by scanning sys.path for packages of that name, which misses
a package installed in editable mode (`pip install -e .`, as the Makefile does): registered
here, before Snakemake reads its command line, `--logger briefing` is one of its choices.
Snakemake's main() exits with the run's status, and its messages name it as snakemake.
"""

import sys

from snakemake.cli import main
from snakemake_interface_logger_plugins.registry import LoggerPluginRegistry

import snakemake_logger_plugin_briefing

LoggerPluginRegistry().register_plugin(snakemake_logger_plugin_briefing.__name__, snakemake_logger_plugin_briefing)
sys.argv[0] = "snakemake"
main(sys.argv[1:])
