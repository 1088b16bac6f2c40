#!/bin/bash
# Grade a course's submissions as a Slurm job array: array task i grades
# shard i of $SHARDS (`nnlab grade --shard i/SHARDS`). docs/grading-at-scale.md
# explains it; in short, from the folder where the logs should go:
#
#   jid=$(sbatch --parsable grade-array.sh)                 # tasks 1-20, SHARDS=20
#   sbatch --dependency=afterany:$jid --output=nnlab-merge-%j.log \
#          --wrap "node /shared/course/bin/nnlab.js merge /shared/graded"
#   sbatch --array=7 grade-array.sh                         # rerun shard 7 only
#
# Another number of shards: change --array below and SHARDS together, or
# `SHARDS=8 sbatch --array=1-8 grade-array.sh`. The settings below can be
# edited here or given in the environment of sbatch (it passes it on).
#SBATCH --job-name=nnlab-grade
#SBATCH --array=1-20
# At most the cores of one node (sinfo -o "%n %c"): more leaves the array
# PENDING (reason PartitionConfig) with no error.
#SBATCH --cpus-per-task=4
# jobs × --memory below + 1 GB
#SBATCH --mem=7G
#SBATCH --time=01:00:00
# In the submit folder: Slurm does not create folders for its logs.
#SBATCH --output=nnlab-grade-%A_%a.log

set -euo pipefail
COURSE=${COURSE:-/shared/course}          # checkout of the course, `npm ci` done once
ASSIGNMENT=${ASSIGNMENT:-solutions/E03-gradient-step.ipynb}  # relative to COURSE, or absolute
SUBMITTED=${SUBMITTED:-/shared/submitted} # one .ipynb per student (or per student folder)
OUT=${OUT:-/shared/graded}                # shared by all tasks: each writes its students here
SHARDS=${SHARDS:-20}                      # = the last index of --array above

task=${SLURM_ARRAY_TASK_ID:?"submit this script with sbatch (an array job, --array=1-$SHARDS)"}
if (( task < 1 || task > SHARDS )); then
  echo "grade-array.sh: array task $task is not a shard of 1-$SHARDS (array indices are shard numbers, from 1)" >&2
  exit 2
fi
if (( ${SLURM_ARRAY_TASK_COUNT:-1} > 1 && SLURM_ARRAY_TASK_MAX != SHARDS )); then
  echo "grade-array.sh: the array ends at $SLURM_ARRAY_TASK_MAX but SHARDS=$SHARDS; submit with --array=1-$SHARDS" >&2
  exit 2
fi

cd "$COURSE"
# exec: the grader replaces this shell, so scancel's SIGTERM reaches it directly
# (it then stops its kernels, removes its temporary folder and exits; what it
# finished is kept, and a rerun of this shard grades only the rest).
exec node "$COURSE/bin/nnlab.js" grade \
  --assignment "$ASSIGNMENT" \
  "$SUBMITTED" \
  --out "$OUT" \
  --shard "$task/$SHARDS" \
  --jobs "${SLURM_CPUS_PER_TASK:-1}" \
  --memory 1536 --cell-timeout 30
