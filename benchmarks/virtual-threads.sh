#!/usr/bin/env bash
# Virtual threads at scale (issue 15 item 1): httppool, Apache HttpClient 5 classic and the JDK client, driven by
# 64 platform threads, 1,000 and 10,000 virtual threads, at caps 64 and 256, against a local nginx; JFR watches for
# jdk.VirtualThreadPinned. Needs a JDK 21+ as JAVA_HOME (e.g. /usr/lib/jvm/temurin-25-jdk-amd64).
# Writes benchmarks/results/<date>-virtual-threads.md.
#
# Usage: JAVA_HOME=... benchmarks/virtual-threads.sh [--seconds 4] [--warmup-seconds 3] [--caps 64,256]
#        [--clients httppool,rc-httppool,apache,jdk] [--callers p64,v1000,v10000]
#        [--before-classes DIR [--rounds 2]]
#   --before-classes: pool-core classes of another commit (e.g. javac of `git archive <commit> pool-core/src/main/java`);
#     the bench then runs before, after, before, after ... (--rounds pairs), each in a JVM of its own, and prints
#     every table labelled; results go to benchmarks/target/vt-compare/ (the dated results file is not written).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
cd "$root"
mvn -B -q -pl benchmarks -am package -DskipTests \
  org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
  -Dmdep.outputFile="$here/target/classpath.txt" -Dmdep.includeScope=runtime
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
cp="$here/target/classes:$(cat "$here/target/classpath.txt")"
before="" rounds=2 args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --before-classes) before="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
if [ -z "$before" ]; then
  exec "$java" -Xms1g -Xmx1g -XX:+AlwaysPreTouch -cp "$cp" dev.httppool.bench.VirtualThreadsBench --out "$here/results" "${args[@]}"
fi
for round in $(seq 1 "$rounds"); do
  for side in before after; do
    dir="$here/target/vt-compare/$round-$side"
    rm -rf "$dir"
    if [ "$side" = before ]; then sidecp="$before:$cp"; else sidecp="$cp"; fi
    "$java" -Xms1g -Xmx1g -XX:+AlwaysPreTouch -cp "$sidecp" dev.httppool.bench.VirtualThreadsBench --out "$dir" "${args[@]}" >/dev/null
    echo "== round $round, $side"
    grep '^| [0-9]' "$dir"/*-virtual-threads.md
  done
done
