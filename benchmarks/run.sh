#!/usr/bin/env bash
# Side-by-side benchmark of httppool against Go's net/http, Apache HttpClient 5, the JDK client, Spring's other
# RestClient factories and a raw-socket floor, all against a local nginx; plus JMH runs of the pool alone.
# Writes benchmarks/results/<date>.md, <date>-*.svg, <date>-raw.csv and <date>-jmh.txt.
#
# Usage: benchmarks/run.sh [--quick] [--no-jmh] [--no-one-cpu] [runner options: --clients a,b --concurrency 1,16 --repeats N
#        --requests N --paths /small,/16k --warmup-round-ms MS --min-warmup-rounds N --max-warmup-rounds N --no-churn --pin --one-cpu --lifecycle --no-lifecycle]
#        benchmarks/run.sh --spread [--quick]   (only the churn-and-spread benchmark: <date>-spread.md; no nginx, no Go)
#        benchmarks/run.sh --h2 [--quick] [--concurrency 1,16 --paths /small,/files/16k --clients a,b --requests N]
#            (only the HTTP/2 side-by-side over TLS to nginx, H2Bench: <date>-h2.md; quick = C=16, /small)
# Quick mode also runs httppool-lifecycle (max-conn-lifetime 5m + 30s jitter, lease-strategy fifo) next to httppool
# and reports the ratio: the hot-path cost of the lifecycle settings.
# Full mode also runs the C=1 supplement with nginx and the client on one CPU (--one-cpu; <date>-one-cpu.md);
# --no-one-cpu skips it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
cmdline="benchmarks/run.sh $*"
quick=false
jmh=true
one_cpu=true
spread=false
h2=false
args=()
for a in "$@"; do
  case "$a" in
    --quick) quick=true; one_cpu=false; args+=("$a") ;;
    --spread) spread=true ;;
    --h2) h2=true ;;
    --no-jmh) jmh=false ;;
    --no-one-cpu) one_cpu=false ;;
    *) args+=("$a") ;;
  esac
done

if $spread; then
  cd "$root"
  echo "building benchmarks module and its classpath"
  mvn -B -q -pl benchmarks -am package -DskipTests \
    org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
    -Dmdep.outputFile="$here/target/classpath.txt" -Dmdep.includeScope=runtime
  spread_opts=(--out "$here/results")
  if $quick; then spread_opts+=(--quick); fi
  exec java -cp "$here/target/classes:$(cat "$here/target/classpath.txt")" dev.httppool.bench.Spread "${spread_opts[@]}"
fi

need=()
command -v nginx >/dev/null || need+=(nginx)
command -v go >/dev/null || need+=(golang-go)
command -v ss >/dev/null || need+=(iproute2)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]} (Debian packages)"
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}"
fi

cd "$root"
echo "building benchmarks module and its classpath"
mvn -B -q -pl benchmarks -am package -DskipTests \
  org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
  -Dmdep.outputFile="$here/target/classpath.txt" -Dmdep.includeScope=runtime
cp="$here/target/classes:$(cat "$here/target/classpath.txt")"
# The reactor hands sibling modules over as their jars in target/; make sure they are there.
echo "building the Go client"
(cd "$here/go" && GOFLAGS=-mod=mod go build -o "$here/target/goclient" .)

if $h2; then
  exec java -cp "$cp" dev.httppool.bench.H2Bench --go "$here/target/goclient" --out "$here/results" \
    --command "$cmdline" "${args[@]}"
fi

date="$(date -u +%Y-%m-%d)"
mkdir -p "$here/results"
jmh_csv=()
if $jmh; then
  if $quick; then jmh_opts=(-wi 2 -w 1 -i 3 -r 1 -f 1); else jmh_opts=(-wi 3 -w 1 -i 5 -r 2 -f 2); fi
  echo "JMH: pool acquire+release"
  java -cp "$cp" org.openjdk.jmh.Main 'dev.httppool.PoolBench' -prof gc "${jmh_opts[@]}" \
    -rf csv -rff "$here/target/jmh.csv" | tee "$here/results/$date-jmh.txt"
  jmh_csv=(--jmh-csv "$here/target/jmh.csv")
fi

java -cp "$cp" dev.httppool.bench.Runner --go "$here/target/goclient" --out "$here/results" \
  --command "$cmdline" "${jmh_csv[@]}" "${args[@]}"
if $one_cpu; then
  # The C=1 supplement: the same clients with nginx and the client on one CPU, so that no vCPU halts between a
  # request and its response (see the report's "CPU idle" line). Writes <date>-one-cpu.md.
  java -cp "$cp" dev.httppool.bench.Runner --go "$here/target/goclient" --out "$here/results" \
    --command "$cmdline (C=1 supplement)" --one-cpu --concurrency 1 --paths /small --no-churn "${args[@]}"
fi
