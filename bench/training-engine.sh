#!/usr/bin/env bash
# Training benchmark: DjlTrainingEngine vs the PyTorch peer (../shared/bench/pytorch_peer.py),
# same data, batch 128, Adam 1e-3, 2 threads, one epoch each of seed-3x3, seed-5x5, seed-separable.
#   bench/training-engine.sh [--data ../shared/datasets/cifar10.zip] [--epochs 1] [--threads 2]
#                            [--limit N] [--specs a,b] [--no-peer] [--augment] [--precision bf16]
# Run it when the machine is otherwise idle (check `uptime`): both sides share the same cores.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -o -q test-compile -Dspotless.check.skip=true
./mvnw -o -q dependency:build-classpath -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test
echo "load before: $(cat /proc/loadavg)"
exec java -Xmx6g -cp "target/test-classes:target/classes:$(cat target/bench.cp)" \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  io.kernelwise.bench.TrainingEngineBenchmark "$@"
