#!/usr/bin/env bash
# The long fuzzing run (README, "Fuzzing"): every Jazzer fuzz target of wire/ and server/, SECONDS each (default
# 3600, an hour), one after the other, each in a JVM of its own, after the targets' committed corpora.
#
#   bin/fuzz.sh [SECONDS] [TARGETS] [extra Maven arguments...]
#
# TARGETS is a Surefire test pattern naming fuzz test classes, default every one ('*FuzzTest'), e.g.
# SnapshotFuzzTest or 'TxnLogFuzzTest,LogEntryFuzzTest'. A finding stops that target and fails the run: Jazzer
# writes the input as crash-<sha1> into the target's inputs directory (src/test/resources/<package>/
# <Class>Inputs/<method>/), where it is committed with the fix as a regression case. What a target learnt
# (new coverage) accumulates in <module>/.cifuzz-corpus/, kept between runs, not committed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

seconds=${1:-3600}
targets=${2:-*FuzzTest}
# -Dtest limits the ordinary test executions to the fuzz tests' corpora; the fuzzing execution names its
# targets itself (fuzz.targets). The fork timeout leaves Jazzer time to start and to stop.
exec mvn -B -pl wire,server -am verify \
  -Dtest='*FuzzTest' -Dsurefire.failIfNoSpecifiedTests=false \
  -Dfuzz.seconds="$seconds" -Dfuzz.targets="$targets" -Dfuzz.forkTimeout=$((seconds + 900)) \
  "${@:3}"
