#!/usr/bin/env bash
# httppool and Apache HttpClient 5 against real-server faults of Debian's nginx: the stale keep-alive race
# (keepalive_timeout 1s, bursts separated by 0.99-1.01 s), nginx -s reload under load, nginx -s quit and restart
# under load. Writes benchmarks/results/<date>-real-servers.md. Loopback only; bounded in rounds and seconds.
#
# Usage: benchmarks/real-servers.sh [--rounds N] [--seconds N] [--clients httppool,apache] [--out DIR]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
command -v nginx >/dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q nginx; }
cd "$root"
mvn -B -q -pl benchmarks -am package -DskipTests \
  org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
  -Dmdep.outputFile="$here/target/classpath.txt" -Dmdep.includeScope=runtime
java -cp "$here/target/classes:$(cat "$here/target/classpath.txt")" dev.httppool.bench.RealServers \
  --out "$here/results" "$@"
