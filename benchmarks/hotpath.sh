#!/usr/bin/env bash
# Per-request cost of the HTTP/1.1 exchange path and the Spring RestClient adapter (issue 15 item 5), before and
# after a change, interleaved in one run: httppool and rc-httppool with the classes of --base first on their class
# path (clients httppool-before, rc-httppool-before) next to the current ones, plus the raw-socket floor, against a
# local nginx (Runner: req/s, CPU us/request, bytes allocated/request); then the JMH Http1HotPathBench (request
# preparation, head write, response head parse) with -prof gc, before/after alternating.
# Writes benchmarks/target/hotpath/<date>.md (the Runner's report) and prints the JMH lines.
#
# Usage: benchmarks/hotpath.sh --base <commit> [--concurrency 16,64,256] [--repeats 2] [--requests 100000]
#        [--jmh-rounds 3] [--no-jmh]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
base="" conc="16,64,256" repeats=2 requests=100000 jmh_rounds=3 jmh=true
while [ $# -gt 0 ]; do
  case "$1" in
    --base) base="$2"; shift 2 ;;
    --concurrency) conc="$2"; shift 2 ;;
    --repeats) repeats="$2"; shift 2 ;;
    --requests) requests="$2"; shift 2 ;;
    --jmh-rounds) jmh_rounds="$2"; shift 2 ;;
    --no-jmh) jmh=false; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[ -n "$base" ] || { echo "--base <commit> is required" >&2; exit 2; }
cd "$root"
mvn -B -q -pl benchmarks -am package -DskipTests \
  org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
  -Dmdep.outputFile="$here/target/classpath.txt" -Dmdep.includeScope=runtime
deps="$(cat "$here/target/classpath.txt")"
cp="$here/target/classes:$deps"

# pool-core and the Spring adapter as they were at --base, compiled on their own.
out="$here/target/hotpath"
src="$out/src-$base"
rm -rf "$src" "$out/before" && mkdir -p "$src" "$out/before/core" "$out/before/spring"
git archive "$base" pool-core/src/main/java pool-spring-boot-autoconfigure/src/main/java | tar -x -C "$src"
javac -nowarn -d "$out/before/core" $(find "$src/pool-core/src/main/java" -name '*.java')
# Only the adapter (request factory, request, response, headers view): the rest of the module needs what the
# benchmarks' class path lacks.
adapter="$src/pool-spring-boot-autoconfigure/src/main/java/dev/httppool/spring/client"
javac -nowarn -proc:none -d "$out/before/spring" -cp "$out/before/core:$deps" \
  "$adapter"/HttpPoolClientHttpRequestFactory.java "$adapter"/HttpPoolClientHttpRequest.java \
  "$adapter"/HttpPoolClientHttpResponse.java "$adapter"/HttpPoolHeadersAdapter.java
before="$out/before/core:$out/before/spring"

java -cp "$cp" dev.httppool.bench.Runner --clients httppool-before,httppool,rc-httppool-before,rc-httppool,raw \
  --concurrency "$conc" --paths /small --no-churn --no-lifecycle --repeats "$repeats" --requests "$requests" \
  --before-classes "$before" --out "$out" --command "benchmarks/hotpath.sh --base $base"

if $jmh; then
  for round in $(seq 1 "$jmh_rounds"); do
    for side in before after; do
      if [ "$side" = before ]; then sidecp="$before:$cp"; else sidecp="$cp"; fi
      echo "== JMH round $round, $side ($(uptime))"
      java -cp "$sidecp" org.openjdk.jmh.Main 'Http1HotPathBench' -prof gc -wi 3 -w 1 -i 5 -r 1 -f 1 2>&1 \
        | grep -E '^Http1HotPathBench\.(prepare|writeAndParse)(:.?gc\.alloc\.rate\.norm)? '
    done
  done
fi
