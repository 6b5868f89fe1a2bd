#!/bin/bash
# A stand-in batch system for tests/test_scale_out.py: each job script Snakemake submits runs as
# its own background process, started in a fresh directory under $BRIEFING_JOBS, sharing nothing
# with Snakemake's process but the filesystem (as on a cluster). Prints the job id (its pid).
set -euo pipefail
job=$(mktemp -d "$BRIEFING_JOBS/job.XXXXXX")
cp "$1" "$job/job.sh"
cd "$job"
setsid bash job.sh > stdout.log 2> stderr.log < /dev/null &
echo "$!" | tee pid
