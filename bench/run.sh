#!/usr/bin/env bash
# Runs the benchmark: our server and the real ZooKeeper 3.9.5 as two processes, the same load on each,
# results as ratios in bench/results/latest.{md,json,csv}.
#   bench/run.sh            the full run (about 17-20 minutes on 2 cores, plus about 15 for the durability parts
#                           and 11 for TLS)
#   bench/run.sh --quick    a short smoke run (about 3.5 minutes, plus about 2 for the durability parts)
#   bench/run.sh --fsync=on both servers fsync their log (forceSync=yes) in the load, memory and fan-out parts
#   bench/run.sh --only=durable,snapshot,startup   only the durability parts (always fsync on)
#   bench/run.sh --only=flood   a canary's latency while 100,000 malformed frames flood each server
#   bench/run.sh --only=ensemble   three members of ours against three of ZooKeeper (about 30 minutes)
#   bench/run.sh --only=tls   reads, writes and handshakes over TLS, JDK and OpenSSL engines (about 11 minutes)
#   bench/run.sh --only=observe   our throughput with a Prometheus scrape and the console's live feed against
#                           without, and the console's watch heap against a class histogram (about 3 minutes)
#   bench/run.sh --help     every option
set -euo pipefail
cd "$(dirname "$0")/.."

for a in "$@"; do
  if [[ "$a" == "--help" || "$a" == "-h" ]]; then
    sed -n '2,13p' "$0"
    echo "options: --quick --fsync=on|off --repeats=N --warmup-ms=N --measure-ms=N --server-warmup-ms=N"
    echo "         --ops=create,setData,getData,exists --sessions=1,8,32 --window=N --znodes=N --watches=N"
    echo "         --fanout-sessions=N --fanout-repeats=N --heap=2g --tick-time=N"
    echo "         --big-znodes=N --snapshot-rate=N --snap-count=N --snapshots=N --snapshot-warmup-ms=N"
    echo "         --startup-repeats=N --flood-frames=N --flood-lanes=N --flood-rate=N"
    echo "         --ensemble-heap=512m --ensemble-kills=N --ensemble-warmup-ms=N --catchup-znodes=N"
    echo "         --tls-engines=jdk,openssl[:need|want|none] --tls-client-auth=need|want|none --tls-lanes=N"
    echo "         --tls-handshake-ms=N --tls-handshake-warmup-ms=N"
    echo "         --tls-store-type=pkcs12|jks"
    echo "         --observe-repeats=N --observe-warmup-ms=N --observe-sessions=N"
    echo "         --watch-heap-watches=N --watch-heap-sessions=N"
    echo "         --only=load,memory,fanout,durable,snapshot,startup,flood,ensemble,tls,observe"
    exit 0
  fi
done

# Build our server's shaded jar and the bench module with the reactor (never install: other people's
# snapshot jars in ~/.m2 stay untouched). Offline first; online only if something is missing locally.
build() { mvn "$@" -q -B -pl server,bench -am package -DskipTests; }
build -o || build

# The fan-out holds 10,000 light sessions on each server at once: 20,000 sockets in the driver.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

# The machine is shared: someone may rebuild this work tree while the run goes on, and a JVM whose jar is
# replaced under it fails with NoClassDefFoundError at its next class load. So the run starts from copies of the
# jars built here (ours, the bench's, and the reactor jars on the driver's class path), deleted at the end.
SNAP="$(mktemp -d "${TMPDIR:-/tmp}/keeper-bench-jars-XXXXXX")"
trap 'rm -rf "$SNAP"' EXIT
cp server/target/keeper-server-0.1.0-SNAPSHOT-all.jar bench/target/keeper-bench-0.1.0-SNAPSHOT.jar "$SNAP/"
CP="$SNAP/keeper-bench-0.1.0-SNAPSHOT.jar"
IFS=: read -r -a ENTRIES < bench/target/driver.classpath || true  # no newline at its end
for e in "${ENTRIES[@]}"; do
  if [[ "$e" == "$PWD"/* ]]; then
    cp "$e" "$SNAP/"
    e="$SNAP/$(basename "$e")"
  fi
  CP="$CP:$e"
done

java -Xms1g -Xmx1g -cp "$CP" dev.keeper.bench.BenchMain \
  --server-jar="$SNAP/keeper-server-0.1.0-SNAPSHOT-all.jar" \
  --zk-classpath-file=bench/target/zookeeper.classpath \
  --tcnative-classpath-file=bench/target/tcnative.classpath \
  --out=bench/results "$@"
