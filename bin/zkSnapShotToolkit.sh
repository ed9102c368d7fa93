#!/usr/bin/env bash
# Prints a snapshot file (snapshot.<zxid>, ours or ZooKeeper's) like ZooKeeper's bin/zkSnapShotToolkit.sh:
# every znode with its stat, the sessions, and the last zxid. -d prints node data too. Exit code 1 for a
# snapshot that cannot be read (a failed checksum, a cut-short file).
#
#   zkSnapShotToolkit.sh [-d] <dataDir>/version-2/snapshot.<zxid>
ZOOBINDIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$ZOOBINDIR/zkEnv.sh"
if [ $# -lt 1 ]; then
  echo "usage: $0 [-d] <snapshot file>" >&2
  exit 2
fi
CP="$(keeper_server_classpath)" || exit 1
exec "$JAVA" $CLIENT_JVMFLAGS -cp "$CP" dev.keeper.server.tools.SnapshotDump "$@"
