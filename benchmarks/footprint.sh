#!/usr/bin/env bash
# Idle connection footprint (issue 15 item 3): heap + direct memory per idle keep-alive connection with 5,000 idle
# connections to one local nginx, for httppool, Apache HttpClient 5 classic, OkHttp and Go's Transport (RSS growth).
# Writes benchmarks/results/<date>-footprint.md.
#
# Usage: benchmarks/footprint.sh [--connections N] [--idle-seconds S] [--before-classes DIR]
#   --before-classes: pool-core classes of another commit, measured as a second httppool row.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
# Each connection is a file descriptor in the client and one in nginx (whose config raises its own limit).
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
echo "open files limit: $(ulimit -n)"
cd "$root"
mvn -B -q -pl benchmarks -am package -DskipTests \
  org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
  -Dmdep.outputFile="$here/target/classpath.txt" -Dmdep.includeScope=runtime
cp="$here/target/classes:$(cat "$here/target/classpath.txt")"
(cd "$here/go-footprint" && go build -o "$here/target/gofootprint" .)
java -cp "$cp" dev.httppool.bench.Footprint --out "$here/results" --go "$here/target/gofootprint" "$@"
