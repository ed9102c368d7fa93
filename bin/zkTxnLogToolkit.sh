#!/usr/bin/env bash
# Prints a transaction log file (log.<zxid>, ours or ZooKeeper's) one transaction per line, like ZooKeeper's
# bin/zkTxnLogToolkit.sh, then how the file ends: cleanly, with a torn last entry (a crash mid-write), or with
# corruption at a named offset (exit code 1).
#
#   zkTxnLogToolkit.sh <dataLogDir>/version-2/log.<zxid>
ZOOBINDIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$ZOOBINDIR/zkEnv.sh"
if [ $# -lt 1 ]; then
  echo "usage: $0 <log file>" >&2
  exit 2
fi
CP="$(keeper_server_classpath)" || exit 1
exec "$JAVA" $CLIENT_JVMFLAGS -cp "$CP" dev.keeper.server.tools.LogDump "$@"
