#!/usr/bin/env bash
# Starts, stops and asks after a Keeper server the way ZooKeeper's bin/zkServer.sh does: the same verbs, the
# same messages on stdout and the same exit codes, so scripts and habits written for ZooKeeper keep working.
#
#   zkServer.sh [--config <conf-dir>] {start|start-foreground|stop|restart|status|version|print-cmd} [cfg]
#
# The config is <conf-dir>/zoo.cfg (conf/ beside this script unless --config or ZOOCFGDIR says otherwise). A
# last argument names another one: a bare file name is looked up in <conf-dir>, a path is used as given.
# The pid file is <dataDir>/zookeeper_server.pid unless ZOOPIDFILE names another; logs go to ZOO_LOG_DIR.
# The first run builds the server jar with Maven when server/target has none.
#
# Where ZooKeeper's script sleeps and hopes, this one waits, within bounds: start waits until the server
# answers srvr (at most ZOO_START_TIMEOUT s, default 30); stop waits until the process has exited (at most
# ZOO_STOP_TIMEOUT s, default 30, then kill -9). An unknown verb exits 1 (ZooKeeper's script exits 0).

ZOOBINDIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ORIGINAL_ARGS=("$@")
. "$ZOOBINDIR/zkEnv.sh"
shift "$ZOO_ARGS_SHIFT"

VERB="$1"
# ZooKeeper's rule for the config argument: a name without a directory is looked up in the conf dir.
if [ -n "$2" ]; then
  if [ "$(dirname "$2")" = "." ] && [ "${2#./}" = "$2" ]; then
    ZOOCFG="$ZOOCFGDIR/$2"
  else
    ZOOCFG="$2"
  fi
fi

usage() {
  echo "Usage: $0 [--config <conf-dir>] {start|start-foreground|stop|version|restart|status|print-cmd} [config]" >&2
}

# The value of one key in zoo.cfg (Java properties syntax, as the server reads it; the last one wins), or
# nothing. Only the simple "key=value" and "key: value" forms a zoo.cfg uses are understood.
cfg_value() {
  local key="$1" line value=""
  while IFS= read -r line || [ -n "$line" ]; do
    line="${line%$'\r'}"
    if [[ "$line" =~ ^[[:space:]]*${key//./\\.}[[:space:]]*[=:][[:space:]]*(.*)$ ]]; then
      value="${BASH_REMATCH[1]}"
      value="${value%"${value##*[![:space:]]}"}"
    fi
  done < "$ZOOCFG"
  printf '%s' "$value"
}

# Sends srvr to host:port and prints the answer; bash's /dev/tcp, as there may be no netcat. Bounded by
# `timeout` where it exists, so a port that accepts and never answers cannot hang the script.
# With only a secure client port (CLIENT_SSL=true) it asks as ZooKeeper's script does, with ZooKeeper's
# FourLetterWordMain over TLS, configured by the zookeeper.ssl.* settings in CLIENT_JVMFLAGS.
srvr() {
  local probe='exec 3<>"/dev/tcp/$0/$1" || exit 1; printf srvr >&3; cat <&3'
  if [ "$CLIENT_SSL" = "true" ]; then
    local cp
    cp="$(cat "$(zkcli_classpath_file)")" || return 1
    probe='exec "$2" -cp "$3" $4 org.apache.zookeeper.client.FourLetterWordMain "$0" "$1" srvr true'
    if type -p timeout >/dev/null; then
      timeout 15 bash -c "$probe" "$1" "$2" "$JAVA" "$cp" "$CLIENT_JVMFLAGS $JVMFLAGS" 2>/dev/null
    else
      bash -c "$probe" "$1" "$2" "$JAVA" "$cp" "$CLIENT_JVMFLAGS $JVMFLAGS" 2>/dev/null
    fi
    return
  fi
  if type -p timeout >/dev/null; then
    timeout 5 bash -c "$probe" "$1" "$2" 2>/dev/null
  else
    bash -c "$probe" "$1" "$2" 2>/dev/null
  fi
}

# Where status (and start, to see the server answer) reaches the server: clientPortAddress, or localhost as in
# ZooKeeper; clientPort, or 2181, the port this server binds when zoo.cfg names none.
# A member of an ensemble may give its client address in its own server.<myid> line instead
# (...;[host:]port), which wins, as in ZooKeeper.
client_endpoint() {
  CLIENT_ADDRESS="$(cfg_value clientPortAddress)"
  CLIENT_ADDRESS="${CLIENT_ADDRESS:-localhost}"
  CLIENT_PORT="$(cfg_value clientPort)"
  CLIENT_SSL=false
  if [ -z "$CLIENT_PORT" ] && [ -n "$(cfg_value secureClientPort)" ]; then
    # no plain port, only the secure one: ZooKeeper's script asks there, over TLS
    CLIENT_SSL=true
    CLIENT_PORT="$(cfg_value secureClientPort)"
    CLIENT_ADDRESS="$(cfg_value secureClientPortAddress)"
    CLIENT_ADDRESS="${CLIENT_ADDRESS:-localhost}"
  fi
  CLIENT_PORT="${CLIENT_PORT:-2181}"
  local dir myid line client
  dir="$(cfg_value dataDir)"
  if [ -n "$dir" ] && [ -r "$dir/myid" ]; then
    myid="$(head -n 1 "$dir/myid" | tr -d '[:space:]')"
    line="$(cfg_value "server.$myid")"
    if [[ "$line" == *";"* ]]; then
      client="${line##*;}"
      CLIENT_PORT="${client##*:}"
      if [[ "$client" == *:* ]] && [ "${client%:*}" != "0.0.0.0" ]; then
        CLIENT_ADDRESS="${client%:*}"
      fi
    fi
  fi
}

# True if the process is alive and is a Keeper server: a pid file left behind by a crash may name a pid the
# system has since given to something else, which must be neither reported as running nor killed.
is_keeper() {
  [ -n "$1" ] && kill -0 "$1" 2>/dev/null || return 1
  if [ -r "/proc/$1/cmdline" ]; then
    tr '\0' ' ' < "/proc/$1/cmdline" | grep -q "dev.keeper.server.Main"
  else
    ps -ww -p "$1" -o args= 2>/dev/null | grep -q "dev.keeper.server.Main"
  fi
}

if [ "$VERB" = "version" ]; then
  echo "Using config: $ZOOCFG" >&2
  CP="$(keeper_server_classpath)" || exit 1
  "$JAVA" -cp "$CP" dev.keeper.server.Main --version
  exit $?
fi

case "$VERB" in
  start|start-foreground|stop|restart|status|print-cmd) ;;
  *)
    usage
    exit 1
    ;;
esac

echo "Using config: $ZOOCFG" >&2
if [ ! -f "$ZOOCFG" ]; then
  echo "Error: config file $ZOOCFG does not exist." >&2
  exit 1
fi
ZOOCFG="$(cd "$(dirname "$ZOOCFG")" && pwd)/$(basename "$ZOOCFG")"

if [ "$VERB" = "restart" ]; then
  # stop waits for the old process to exit, so start can bind the port at once (ZooKeeper sleeps 3 s).
  "$0" "${ORIGINAL_ARGS[@]:0:ZOO_ARGS_SHIFT}" stop "${@:2}"
  exec "$0" "${ORIGINAL_ARGS[@]:0:ZOO_ARGS_SHIFT}" start "${@:2}"
fi

if [ "$VERB" = "status" ]; then
  client_endpoint
  echo "Client port found: $CLIENT_PORT. Client address: $CLIENT_ADDRESS. Client SSL: $CLIENT_SSL."
  STAT="$(srvr "$CLIENT_ADDRESS" "$CLIENT_PORT" | grep Mode)"
  if [ -z "$STAT" ]; then
    if [ "$CLIENT_SSL" = "true" ]; then
      echo "Note: the secure client port ($CLIENT_PORT) was asked, and did not answer. Give the client's TLS"
      echo "  settings in CLIENT_JVMFLAGS, e.g. CLIENT_JVMFLAGS=\"-Dzookeeper.clientCnxnSocket=org.apache.zookeeper.ClientCnxnSocketNetty"
      echo "  -Dzookeeper.ssl.trustStore.location=ca.p12 -Dzookeeper.ssl.keyStore.location=client.p12 ...\""
    fi
    echo "Error contacting service. It is probably not running."
    exit 1
  fi
  echo "$STAT"
  exit 0
fi

# The server resolves a relative dataDir against the working directory, as ZooKeeper does; so does the pid file.
ZOO_DATADIR="$(cfg_value dataDir)"
if [ -z "$ZOOPIDFILE" ]; then
  if [ -z "$ZOO_DATADIR" ]; then
    echo "Error: dataDir is not set in $ZOOCFG." >&2
    exit 1
  fi
  case "$ZOO_DATADIR" in
    /*) ;;
    *) ZOO_DATADIR="$PWD/$ZOO_DATADIR" ;;
  esac
  mkdir -p "$ZOO_DATADIR" && ZOO_DATADIR="$(cd "$ZOO_DATADIR" && pwd)"
  ZOOPIDFILE="$ZOO_DATADIR/zookeeper_server.pid"
else
  mkdir -p "$(dirname "$ZOOPIDFILE")"
fi

if [ "$VERB" = "stop" ]; then
  echo -n "Stopping zookeeper ... "
  if [ ! -f "$ZOOPIDFILE" ]; then
    echo "no zookeeper to stop (could not find file $ZOOPIDFILE)"
    exit 0
  fi
  pid="$(cat "$ZOOPIDFILE")"
  if is_keeper "$pid"; then
    kill "$pid"
    # ZooKeeper sleeps one second and hopes; wait for the exit instead (bounded), then force it.
    for _ in $(seq 1 "$((${ZOO_STOP_TIMEOUT:-30} * 10))"); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo -n "(still running after ${ZOO_STOP_TIMEOUT:-30} s, killing) "
      kill -9 "$pid" 2>/dev/null
    fi
  fi
  rm -f "$ZOOPIDFILE"
  echo STOPPED
  exit 0
fi

mkdir -p "$ZOO_LOG_DIR"
ZOO_LOG_DIR="$(cd "$ZOO_LOG_DIR" && pwd)"
ZOO_LOG_FILE="${ZOO_LOG_FILE:-zookeeper-$ZOO_USER-server-$HOSTNAME.log}"
_ZOO_DAEMON_OUT="$ZOO_LOG_DIR/zookeeper-$ZOO_USER-server-$HOSTNAME.out"
LOGBACK_XML="$ZOOCFGDIR/logback.xml"
[ -f "$LOGBACK_XML" ] || LOGBACK_XML="$KEEPER_HOME/conf/logback.xml"

# JMX as ZooKeeper's script sets it up, with its variables and its messages on stderr: JMXDISABLE (true: no
# remote JMX flags; the server's MBeans are registered either way, as ZooKeeper's are), JMXPORT (remote JMX on that
# port, with JMXAUTH and JMXSSL, default false, and JMXHOSTNAME), JMXLOCALONLY (without JMXPORT; default false).
# ZooKeeper's script prints these lines for every verb; this one for the verbs that start the server.
jmx_args() {
  JMX_ARGS=()
  if [ -z "$JMXDISABLE" ] || [ "$JMXDISABLE" = false ]; then
    echo "ZooKeeper JMX enabled by default" >&2
    if [ -z "$JMXPORT" ]; then
      JMX_ARGS=(-Dcom.sun.management.jmxremote "-Dcom.sun.management.jmxremote.local.only=${JMXLOCALONLY:-false}")
    else
      JMXAUTH="${JMXAUTH:-false}"
      JMXSSL="${JMXSSL:-false}"
      JMXLOG4J="${JMXLOG4J:-true}"
      echo "ZooKeeper remote JMX Port set to $JMXPORT" >&2
      echo "ZooKeeper remote JMX authenticate set to $JMXAUTH" >&2
      echo "ZooKeeper remote JMX ssl set to $JMXSSL" >&2
      echo "ZooKeeper remote JMX log4j set to $JMXLOG4J" >&2
      JMX_ARGS=(-Dcom.sun.management.jmxremote)
      if [ -n "$JMXHOSTNAME" ]; then
        echo "ZooKeeper remote JMX Hostname set to $JMXHOSTNAME" >&2
        JMX_ARGS+=("-Djava.rmi.server.hostname=$JMXHOSTNAME")
      fi
      JMX_ARGS+=("-Dcom.sun.management.jmxremote.port=$JMXPORT"
        "-Dcom.sun.management.jmxremote.authenticate=$JMXAUTH" "-Dcom.sun.management.jmxremote.ssl=$JMXSSL"
        "-Dzookeeper.jmx.log4j.disable=$JMXLOG4J")
    fi
  else
    echo "JMX disabled by user request" >&2
  fi
}

# The server's java arguments after the executable; $1 is the root logger (CONSOLE or ROLLINGFILE).
# JVMFLAGS come after ours (a -D there overrides them); the JMX flags last, where ZooKeeper's script puts them.
server_args() {
  jmx_args
  SERVER_ARGS=("-Dlogback.configurationFile=$LOGBACK_XML" "-Dzookeeper.root.logger=$1"
    "-Dzookeeper.log.dir=$ZOO_LOG_DIR" "-Dzookeeper.log.file=$ZOO_LOG_FILE"
    -XX:+HeapDumpOnOutOfMemoryError "-XX:OnOutOfMemoryError=kill -9 %p"
    -cp "$CP" $SERVER_JVMFLAGS $JVMFLAGS "${JMX_ARGS[@]}" dev.keeper.server.Main "$ZOOCFG")
}

case "$VERB" in
  start-foreground)
    CP="$(keeper_server_classpath)" || exit 1
    server_args CONSOLE
    if [ -n "$ZOO_NOEXEC" ]; then
      "$JAVA" "${SERVER_ARGS[@]}"
      exit $?
    fi
    exec "$JAVA" "${SERVER_ARGS[@]}"
    ;;
  print-cmd)
    CP="$(keeper_server_classpath)" || exit 1
    server_args ROLLINGFILE
    printf '%q ' "$JAVA" "${SERVER_ARGS[@]}"
    printf '> %q 2>&1 < /dev/null\n' "$_ZOO_DAEMON_OUT"
    ;;
  start)
    # Build first (a no-op once the jar exists) so the build's output is not taken for the server's.
    CP="$(keeper_server_classpath)" || exit 1
    echo -n "Starting zookeeper ... "
    if [ -f "$ZOOPIDFILE" ] && is_keeper "$(cat "$ZOOPIDFILE")"; then
      echo "already running as process $(cat "$ZOOPIDFILE")."
      exit 1
    fi
    client_endpoint
    if srvr "$CLIENT_ADDRESS" "$CLIENT_PORT" | grep -q Mode; then
      echo "FAILED TO START"
      echo "Another server already answers on $CLIENT_ADDRESS:$CLIENT_PORT." >&2
      exit 1
    fi
    server_args ROLLINGFILE
    nohup "$JAVA" "${SERVER_ARGS[@]}" > "$_ZOO_DAEMON_OUT" 2>&1 < /dev/null &
    pid=$!
    if ! echo -n "$pid" > "$ZOOPIDFILE"; then
      echo "FAILED TO WRITE PID"
      kill "$pid" 2>/dev/null
      exit 1
    fi
    # ZooKeeper checks the process once after a second. Wait instead (bounded) until it answers srvr, so a
    # status or a client straight after start finds it serving, and a bad config is reported here. A member of
    # an ensemble whose peers are not up yet answers that it is not serving: it has started all the same.
    # Bounded by time, not by tries: over TLS each try starts a JVM.
    deadline=$((SECONDS + ${ZOO_START_TIMEOUT:-30}))
    while [ "$SECONDS" -lt "$deadline" ]; do
      if ! kill -0 "$pid" 2>/dev/null; then
        rm -f "$ZOOPIDFILE"
        echo "FAILED TO START"
        echo "See $_ZOO_DAEMON_OUT and $ZOO_LOG_DIR/$ZOO_LOG_FILE" >&2
        exit 1
      fi
      if srvr "$CLIENT_ADDRESS" "$CLIENT_PORT" | grep -q -e Mode -e "not currently serving"; then
        break
      fi
      sleep 0.2
    done
    echo STARTED
    exit 0
    ;;
esac
