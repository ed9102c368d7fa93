#!/usr/bin/env bash
# The test command: installs what the tests need when it is missing, then runs every test of every module
# (mvn -B verify from the repository root). Exits non-zero when any test fails. Extra arguments go to Maven,
# e.g. bin/test.sh -o (offline) or bin/test.sh -pl compat-tests -am.
#
# Needs: a JDK 17 and Maven on PATH. Installs when missing (as root, or through sudo when it can):
#   python3-kazoo, python3-pytest  Debian's Kazoo and pytest, run by /usr/bin/python3 (KazooTest)
#   python3-prometheus-client      the Prometheus exposition parser that reads our /metrics (PrometheusTest)
#   libzookeeper-mt-dev, gcc       the ZooKeeper C client library and headers, and a compiler for the C test
#   zookeeper-bin                  the C client's shell, /usr/lib/zookeeper/bin/cli_mt (CClientTest)
#   chromium, chromium-driver      a headless browser and its WebDriver, /usr/bin/chromium and /usr/bin/chromedriver,
#                                  for the web console's browser test (ConsoleBrowserTest, through Selenium)
#   prometheus                     Debian's Prometheus server, /usr/bin/prometheus: it scrapes ours and runs the
#                                  queries of Grafana's ZooKeeper dashboard (GrafanaDashboardTest)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

missing=()
/usr/bin/python3 -c 'import kazoo.client' 2>/dev/null || missing+=(python3-kazoo)
/usr/bin/python3 -c 'import pytest' 2>/dev/null || missing+=(python3-pytest)
/usr/bin/python3 -c 'import prometheus_client.parser' 2>/dev/null || missing+=(python3-prometheus-client)
[ -f /usr/include/zookeeper/zookeeper.h ] && compgen -G '/usr/lib/*/libzookeeper_mt.so' >/dev/null \
  || missing+=(libzookeeper-mt-dev)
[ -x /usr/lib/zookeeper/bin/cli_mt ] || missing+=(zookeeper-bin)
type -p gcc >/dev/null || missing+=(gcc)
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
[ -x /usr/bin/prometheus ] || missing+=(prometheus)

if [ ${#missing[@]} -gt 0 ]; then
  as_root=()
  can_install=true
  if [ "$(id -u)" -ne 0 ]; then
    if type -p sudo >/dev/null && sudo -n true 2>/dev/null; then
      as_root=(sudo -n)
    else
      can_install=false
    fi
  fi
  if $can_install; then
    echo "bin/test.sh: installing ${missing[*]}" >&2
    apt=("${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get)
    # A fresh machine may have no package lists yet: update only when the first attempt fails. A failed
    # install does not stop the run; the test that needs it (KazooTest, CClientTest, ConsoleBrowserTest...) then
    # fails and says what is missing.
    "${apt[@]}" install -y "${missing[@]}" \
      || { "${apt[@]}" update && "${apt[@]}" install -y "${missing[@]}"; } \
      || echo "bin/test.sh: could not install ${missing[*]}" >&2
  else
    echo "bin/test.sh: ${missing[*]} missing, and neither root nor sudo is available:" \
      "the tests that need them will fail. Install them with: apt-get install -y ${missing[*]}" >&2
  fi
fi

exec mvn -B verify "$@"
