#!/usr/bin/env bash
# Times the ingest of an image-folder zip (default: the full CIFAR-10, 60,000 JPEGs) into the
# tensor cache on N threads (default 2). Run from the project root:
#   bench/ingest.sh [path/to/dataset.zip] [threads]
set -euo pipefail
cd "$(dirname "$0")/.."
ZIP="${1:-../shared/datasets/cifar10.zip}"
THREADS="${2:-2}"
./mvnw -o -q test-compile -Dspotless.check.skip=true
CP_FILE=target/bench-classpath.txt
./mvnw -o -q dependency:build-classpath -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=test >/dev/null
# -XX:ActiveProcessorCount pins the JVM's view of the machine to the measured thread count.
exec java -XX:ActiveProcessorCount="$THREADS" -Xmx2g \
  -cp "target/test-classes:target/classes:$(cat "$CP_FILE")" \
  io.kernelwise.datasets.IngestBenchmark "$ZIP" "$THREADS"
