#!/usr/bin/env bash
# Virtual threads at scale (issue 15 item 1): httppool, Apache HttpClient 5 classic and the JDK client, driven by
# 64 platform threads, 1,000 and 10,000 virtual threads, at caps 64 and 256, against a local nginx; JFR watches for
# jdk.VirtualThreadPinned. Needs a JDK 21+ as JAVA_HOME (e.g. /usr/lib/jvm/temurin-25-jdk-amd64).
# Writes benchmarks/results/<date>-virtual-threads.md.
#
# Usage: JAVA_HOME=... benchmarks/virtual-threads.sh [--seconds 4] [--warmup-seconds 3] [--caps 64,256]
#        [--clients httppool,rc-httppool,apache,jdk] [--callers p64,v1000,v10000]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
cd "$root"
mvn -B -q -pl benchmarks -am package -DskipTests \
  org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
  -Dmdep.outputFile="$here/target/classpath.txt" -Dmdep.includeScope=runtime
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
"$java" -Xms1g -Xmx1g -cp "$here/target/classes:$(cat "$here/target/classpath.txt")" \
  dev.httppool.bench.VirtualThreadsBench --out "$here/results" "$@"
