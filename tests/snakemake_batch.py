"""Many snakemake command lines, each in its own project folder, run in turn by one Python process:
`python tests/snakemake_batch.py < runs.json`, one JSON line out per run.

Each run is Snakemake's own command line (snakemake.cli's parse_args and args_to_api, as
`snakemake` runs them, profile and all), with its output captured; only the interpreter and the
import of Snakemake, two seconds of every `snakemake` command, are shared. The live preview runs
Snakemake the same way. The bad-input corpus runs some ninety builds so.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile

from snakemake.cli import args_to_api, parse_args
from snakemake.exceptions import print_exception

from briefing.collector import collector_restored


def run(folder: str, arguments: list[str]) -> dict:
    """One `snakemake <arguments>` in folder: its exit status and what it printed.

    What it prints goes to a file through file descriptors 1 and 2, so that the commands its
    jobs run (which write to those, not to sys.stdout) are captured too, in the order printed."""
    os.chdir(folder)
    with tempfile.TemporaryFile() as printed:
        os.dup2(printed.fileno(), 1)
        os.dup2(printed.fileno(), 2)
        try:
            parser, args = parse_args(arguments)
            status = 0 if args_to_api(args, parser) else 1
        except SystemExit as stop:
            status = stop.code if isinstance(stop.code, int) else 1
        except Exception as error:  # as snakemake's main() does
            print_exception(error)
            status = 1
        finally:
            collector_restored()  # the Snakefile tuned the collector for a process that ends with the run
        sys.stdout.flush()
        sys.stderr.flush()
        printed.seek(0)
        return {"returncode": status, "stdout": printed.read().decode("utf-8", "replace"), "stderr": ""}


if __name__ == "__main__":
    results = os.fdopen(os.dup(1), "w")  # the runs' output takes over descriptors 1 and 2
    for line in sys.stdin:
        request = json.loads(line)
        results.write(json.dumps(run(request["folder"], request["arguments"])) + "\n")
        results.flush()
