#!/usr/bin/env bash
# Runs the benchmark: our server and the real ZooKeeper 3.9.5 as two processes, the same load on each,
# results as ratios in bench/results/latest.{md,json,csv}.
#   bench/run.sh            the full run (about 17-20 minutes on 2 cores, plus about 15 for the durability parts)
#   bench/run.sh --quick    a short smoke run (about 3.5 minutes, plus about 2 for the durability parts)
#   bench/run.sh --fsync=on both servers fsync their log (forceSync=yes) in the load, memory and fan-out parts
#   bench/run.sh --only=durable,snapshot,startup   only the durability parts (always fsync on)
#   bench/run.sh --only=flood   a canary's latency while 100,000 malformed frames flood each server
#   bench/run.sh --only=ensemble   three members of ours against three of ZooKeeper (about 20 minutes)
#   bench/run.sh --help     every option
set -euo pipefail
cd "$(dirname "$0")/.."

for a in "$@"; do
  if [[ "$a" == "--help" || "$a" == "-h" ]]; then
    sed -n '2,9p' "$0"
    echo "options: --quick --fsync=on|off --repeats=N --warmup-ms=N --measure-ms=N --server-warmup-ms=N"
    echo "         --ops=create,setData,getData,exists --sessions=1,8,32 --window=N --znodes=N --watches=N"
    echo "         --fanout-sessions=N --fanout-repeats=N --heap=2g --tick-time=N"
    echo "         --big-znodes=N --snapshot-rate=N --snap-count=N --snapshots=N --snapshot-warmup-ms=N"
    echo "         --startup-repeats=N --flood-frames=N --flood-lanes=N --flood-rate=N"
    echo "         --ensemble-heap=512m --ensemble-kills=N --catchup-znodes=N"
    echo "         --only=load,memory,fanout,durable,snapshot,startup,flood,ensemble"
    exit 0
  fi
done

# Build our server's shaded jar and the bench module with the reactor (never install: other people's
# snapshot jars in ~/.m2 stay untouched). Offline first; online only if something is missing locally.
build() { mvn "$@" -q -B -pl server,bench -am package -DskipTests; }
build -o || build

# The fan-out holds 10,000 light sessions on each server at once: 20,000 sockets in the driver.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

CP="bench/target/keeper-bench-0.1.0-SNAPSHOT.jar:$(cat bench/target/driver.classpath)"
exec java -Xms1g -Xmx1g -cp "$CP" dev.keeper.bench.BenchMain \
  --server-jar=server/target/keeper-server-0.1.0-SNAPSHOT-all.jar \
  --zk-classpath-file=bench/target/zookeeper.classpath \
  --out=bench/results "$@"
