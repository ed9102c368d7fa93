#!/usr/bin/env bash
# Shared set-up for zkServer.sh and zkCli.sh; sourced, never run. It honours the same variables as
# ZooKeeper's own zkEnv.sh so existing habits carry over:
#   --config <dir> (first two arguments), ZOOCFGDIR, ZOOCFG (file name inside ZOOCFGDIR, default zoo.cfg),
#   ZOO_LOG_DIR (default <repo>/logs), JAVA_HOME, JVMFLAGS, SERVER_JVMFLAGS, CLIENT_JVMFLAGS,
#   ZK_SERVER_HEAP / ZK_CLIENT_HEAP (MB), and $ZOOCFGDIR/zookeeper-env.sh and $ZOOCFGDIR/java.env if present.
# Keeper's own additions:
#   KEEPER_CLASSPATH  run the server from this class path instead of the shaded jar (tests use it)

KEEPER_HOME="$(cd "$ZOOBINDIR/.." && pwd)"

# ZooKeeper lets "--config <dir>" come first; the caller shifts its arguments by ZOO_ARGS_SHIFT.
ZOO_ARGS_SHIFT=0
if [ $# -gt 1 ] && [ "$1" = "--config" ]; then
  ZOOCFGDIR="$2"
  ZOO_ARGS_SHIFT=2
fi
ZOOCFGDIR="${ZOOCFGDIR:-$KEEPER_HOME/conf}"

if [ -f "$ZOOCFGDIR/zookeeper-env.sh" ]; then
  . "$ZOOCFGDIR/zookeeper-env.sh"
fi
ZOOCFG="$ZOOCFGDIR/${ZOOCFG:-zoo.cfg}"
if [ -f "$ZOOCFGDIR/java.env" ]; then
  . "$ZOOCFGDIR/java.env"
fi

ZOO_LOG_DIR="${ZOO_LOG_DIR:-$KEEPER_HOME/logs}"

if [ -n "$JAVA_HOME" ] && [ -x "$JAVA_HOME/bin/java" ]; then
  JAVA="$JAVA_HOME/bin/java"
elif type -p java >/dev/null; then
  JAVA=java
else
  echo "Error: JAVA_HOME is not set and java could not be found in PATH." >&2
  exit 1
fi

ZK_SERVER_HEAP="${ZK_SERVER_HEAP:-1000}"
SERVER_JVMFLAGS="-Xmx${ZK_SERVER_HEAP}m $SERVER_JVMFLAGS"
ZK_CLIENT_HEAP="${ZK_CLIENT_HEAP:-256}"
CLIENT_JVMFLAGS="-Xmx${ZK_CLIENT_HEAP}m $CLIENT_JVMFLAGS"

# The user name ZooKeeper puts in its log file names; $USER is unset in many containers.
ZOO_USER="${USER:-$(id -un 2>/dev/null || echo unknown)}"

# Runs Maven from the repository root with its output on stderr, so that a first run's build never mixes
# into what a command prints on stdout (status, version).
keeper_mvn() {
  if ! type -p mvn >/dev/null; then
    echo "Error: Maven (mvn) is needed to build Keeper on first use, and was not found in PATH." >&2
    return 1
  fi
  (cd "$KEEPER_HOME" && mvn -q -B "$@") >&2
}

# Prints the server's class path: KEEPER_CLASSPATH if set; else, in the release tarball, the jar in lib/ (no
# Maven needed); else, in a source checkout, the shaded jar, built on first use.
keeper_server_classpath() {
  if [ -n "$KEEPER_CLASSPATH" ]; then
    echo "$KEEPER_CLASSPATH"
    return 0
  fi
  local jar
  jar="$(ls -t "$KEEPER_HOME"/lib/keeper-server-*-all.jar 2>/dev/null | head -n 1)"
  if [ -n "$jar" ]; then
    echo "$jar"
    return 0
  fi
  jar="$(ls -t "$KEEPER_HOME"/server/target/keeper-server-*-all.jar 2>/dev/null | head -n 1)"
  if [ -z "$jar" ]; then
    echo "Building the server jar (first run): mvn -q -B -pl server -am package -DskipTests" >&2
    keeper_mvn -pl server -am package -DskipTests || return 1
    jar="$(ls -t "$KEEPER_HOME"/server/target/keeper-server-*-all.jar 2>/dev/null | head -n 1)"
    if [ -z "$jar" ]; then
      echo "Error: the build finished but server/target/keeper-server-*-all.jar is missing." >&2
      return 1
    fi
  fi
  echo "$jar"
}

# Prints the file holding the stock ZooKeeper client's class path (that of ZooKeeper's binary distribution, from
# bin/zkcli/pom.xml), resolved by Maven on first use and again when a pom changed since.
zkcli_classpath_file() {
  local pom="$ZOOBINDIR/zkcli/pom.xml" file="$ZOOBINDIR/zkcli/target/classpath"
  if [ ! -s "$file" ] || [ "$KEEPER_HOME/pom.xml" -nt "$file" ] || [ "$pom" -nt "$file" ]; then
    mkdir -p "$(dirname "$file")"
    echo "Resolving the ZooKeeper CLI class path (first run): mvn -f bin/zkcli/pom.xml dependency:build-classpath" >&2
    keeper_mvn -f "$pom" dependency:build-classpath "-Dmdep.outputFile=$file.$$" || return 1
    mv "$file.$$" "$file"
  fi
  echo "$file"
}
