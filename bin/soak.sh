#!/usr/bin/env bash
# The soak tier, outside CI: many kill -9 rounds (compat-tests persist.CrashTest) and many power-cut runs
# (persist.PowerCutTest: each run is one workload of writes, cut just before and after every force, rename and
# directory fsync and at 200 random points, ~750 cuts), then a summary. Each Maven invocation does a chunk small
# enough for the build's per-test timeout (5 minutes); every chunk's log is kept.
#
#   bin/soak.sh                  500 kill -9 rounds and 20 power-cut runs (about 15,000 cuts); about an hour
#   bin/soak.sh ROUNDS RUNS      other amounts, e.g. bin/soak.sh 100 4
#   bin/soak.sh ROUNDS RUNS FAULTS   also FAULTS faults on a three-member ensemble under load
#                                (ensemble.EnsembleFaultTest, 25 a chunk: kill -9 or SIGSTOP of the leader or a
#                                follower, a ledger checked after each chunk), e.g. bin/soak.sh 0 0 500
#   bin/soak.sh ROUNDS RUNS FAULTS LIN   also LIN seconds of the linearizability workload on a three-member
#                                ensemble (ensemble.EnsembleLinearizabilityTest, 150 s a chunk: writes, CAS and synced
#                                reads while members are killed -9 or SIGSTOPped, a fault every 10 s, each chunk's
#                                history checked), e.g. bin/soak.sh 0 0 0 1800
#   nice -n 19 bin/soak.sh > soak.txt 2>&1 &      how it is meant to run: in the background, politely
#
# Logs go to target/soak-<time>/ (KEEPER_SOAK_DIR to choose). Exits non-zero if any chunk failed; the failed
# chunk's log holds the seed that replays its choices (-Dkeeper.crash.seed / -Dkeeper.powercut.seed); a failed
# linearizability chunk's history and member logs stay in compat-tests/target/{lin,ensembles}/, named in its log.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

rounds=${1:-500}
runs=${2:-20}
faults=${3:-0}
lin=${4:-0}
faults_per_chunk=25
lin_per_chunk=150
rounds_per_chunk=25
runs_per_chunk=2
out=${KEEPER_SOAK_DIR:-target/soak-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out"
reports=compat-tests/target/surefire-reports
started=$(date +%s)
failed=0

# chunk NAME TEST-CLASS TEST-FILTER -Dprop=value...: one Maven run of one test; its log kept as NAME.log
chunk() {
  local name=$1 class=$2 filter=$3 status=ok t0
  shift 3
  t0=$(date +%s)
  if ! mvn -B -o -q -pl compat-tests -am test -Dtest="$filter" -Dsurefire.failIfNoSpecifiedTests=false "$@" \
      >"$out/$name.mvn.txt" 2>&1; then
    status=FAILED
    failed=$((failed + 1))
  fi
  cp "$reports/dev.keeper.compat.$class-output.txt" "$out/$name.log" 2>/dev/null
  echo "$(date +%H:%M:%S) $name: $status in $(($(date +%s) - t0)) s" | tee -a "$out/chunks.txt"
}

done_rounds=0
i=0
while [ "$done_rounds" -lt "$rounds" ]; do
  n=$((rounds - done_rounds < rounds_per_chunk ? rounds - done_rounds : rounds_per_chunk))
  chunk "crash-$i" persist.CrashTest CrashTest -Dkeeper.crash.rounds="$n"
  done_rounds=$((done_rounds + n))
  i=$((i + 1))
done
done_runs=0
i=0
while [ "$done_runs" -lt "$runs" ]; do
  n=$((runs - done_runs < runs_per_chunk ? runs - done_runs : runs_per_chunk))
  chunk "powercut-$i" persist.PowerCutTest 'PowerCutTest#acknowledged*' -Dkeeper.powercut.runs="$n"
  done_runs=$((done_runs + n))
  i=$((i + 1))
done

done_faults=0
i=0
while [ "$done_faults" -lt "$faults" ]; do
  n=$((faults - done_faults < faults_per_chunk ? faults - done_faults : faults_per_chunk))
  chunk "ensemble-$i" ensemble.EnsembleFaultTest EnsembleFaultTest -Dkeeper.ensemble.faults="$n"
  done_faults=$((done_faults + n))
  i=$((i + 1))
done

done_lin=0
i=0
while [ "$done_lin" -lt "$lin" ]; do
  n=$((lin - done_lin < lin_per_chunk ? lin - done_lin : lin_per_chunk))
  chunk "lin-$i" ensemble.EnsembleLinearizabilityTest EnsembleLinearizabilityTest -Dkeeper.lin.seconds="$n"
  done_lin=$((done_lin + n))
  i=$((i + 1))
done

# Sums over the chunks' closing lines (CrashTest's "N writes attempted, ..." and PowerCutTest's totals).
crash=$(cat "$out"/crash-*.log 2>/dev/null | grep -h 'CrashTest seed .* writes attempted' | sed 's/.*: //' |
  awk -F', ' '{ for (i = 1; i <= NF; i++) { split($i, w, " "); s[i] += w[1] } n++ }
    END { if (n) printf "%d writes attempted, %d acknowledged, %d cut off by a kill, %d start-up kills,"\
      " %d half-written snapshots left", s[1], s[2], s[3], s[4], s[5] }')
kills=$(cat "$out"/crash-*.log 2>/dev/null | grep -ch 'killed .* ms into the writes')
cuts=$(cat "$out"/powercut-*.log 2>/dev/null | grep -h 'PowerCutTest seed .* run(s):' |
  sed -E 's/.*run\(s\): ([0-9]+) power cuts.*\(([0-9]+) also served.*then cut ([0-9]+) times more; ([0-9]+) kept.*torn last entry in ([0-9]+) and a batch with a lost sector in ([0-9]+);.*/\1 \2 \3 \4 \5 \6/' |
  awk '{ c += $1; s += $2; again += $2 * $3; k += $4; t += $5; l += $6 }
    END { printf "%d power cuts recovered and checked, %d of them then served and cut %d times more; %d kept"\
      " writes not yet acknowledged; recovery dropped a torn last entry in %d and a batch with a lost sector"\
      " in %d", c, s, again, k, t, l }')
elapsed=$(($(date +%s) - started))
{
  echo "soak: $rounds kill -9 rounds asked, $kills done: ${crash:-no CrashTest summary}"
  echo "soak: $runs power-cut runs: ${cuts:-no PowerCutTest summary}"
  if [ "$faults" -gt 0 ]; then
    echo "soak: $faults ensemble faults: $(cat "$out"/ensemble-*.log 2>/dev/null | grep -h 'creates acknowledged' |
      sed 's/.*EnsembleFaultTest: //' | awk '{ s += $1; p += $4; u += $8 } END { printf "%d sequential and %d plain"\
      " creates acknowledged, %d outcomes unknown, every member alike after each chunk", s, p, u }')"
  fi
  if [ "$lin" -gt 0 ]; then
    echo "soak: $lin s of linearizability workload: $(cat "$out"/lin-*.log 2>/dev/null |
      grep -h 'EnsembleLinearizabilityTest: .* operations checked' |
      sed -E 's/.*: ([0-9]+) operations checked .* ([0-9]+) outcomes unknown\), ([0-9]+) faults.*: ([A-Z_]+)$/\1 \2 \3 \4/' |
      awk '{ o += $1; u += $2; f += $3; if ($4 == "LINEARIZABLE") ok++; n++ }
        END { printf "%d operations (%d of unknown outcome) under %d faults in %d chunk(s), %d of them"\
          " linearizable", o, u, f, n, ok }')"
  fi
  echo "soak: $failed failed chunk(s); $((elapsed / 60)) min $((elapsed % 60)) s in all; logs in $out"
} | tee "$out/summary.txt"
[ "$failed" -eq 0 ]
