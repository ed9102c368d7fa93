#!/usr/bin/env bash
# The stock ZooKeeper command-line client (org.apache.zookeeper.ZooKeeperMain from the zookeeper 3.9.5 jar),
# with ZooKeeper's own arguments:
#
#   zkCli.sh [-server host:port[,host:port...]] [-timeout ms] [-r] [-waitforconnection] [cmd args...]
#
# With no command it reads commands from stdin until EOF or `quit`. The class path is that of ZooKeeper's
# binary distribution (bin/zkcli/pom.xml says why), resolved once by Maven and cached in
# bin/zkcli/target/classpath.
# Log lines below WARN are hidden; -Dzookeeper.console.threshold=INFO in CLIENT_JVMFLAGS shows them.

ZOOBINDIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$ZOOBINDIR/zkEnv.sh"
shift "$ZOO_ARGS_SHIFT"

CP_FILE="$(zkcli_classpath_file)" || exit 1

LOGBACK_XML="$ZOOCFGDIR/logback.xml"
[ -f "$LOGBACK_XML" ] || LOGBACK_XML="$KEEPER_HOME/conf/logback.xml"

exec "$JAVA" "-Dlogback.configurationFile=$LOGBACK_XML" -Dzookeeper.root.logger=CONSOLE \
  -Dzookeeper.console.threshold=WARN \
  -cp "$(cat "$CP_FILE")" $CLIENT_JVMFLAGS $JVMFLAGS \
  org.apache.zookeeper.ZooKeeperMain "$@"
