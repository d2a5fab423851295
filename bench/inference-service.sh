#!/usr/bin/env bash
# The whole inference benchmark in one command: starts two instances of the packaged service
# (dynamic batching on / off), uploads ../shared/datasets/cifar10.zip, trains seed-3x3 for one epoch
# through the job queue, then runs bench/InferenceBench.java (forward p50, HTTP p50/p99 at c=1,
# throughput at c=32 on vs off, /predict and /v2 infer, top-1 accuracy of the HTTP answers vs the
# job's test accuracy), and last, with the services stopped, the bare DJL predictor on the same
# spec (bench/ForwardBaseline.java: batch 1..32 on one thread, then two predictors at once, as the
# service's two workers) so that the service's c=32 throughput is compared with it in one run.
#   bench/inference-service.sh [--import model.zip] [extra InferenceBench args]
# --import serves a model artifact (e.g. from bench/MakeRandomModel.java) instead of training one:
# the timings do not depend on the weights, the accuracy line then shows chance level.
set -euo pipefail
artifact=""
if [[ "${1:-}" == "--import" ]]; then
  artifact="$(realpath "$2")"
  shift 2
fi
cd "$(dirname "$0")/.."
[[ -f target/kernelwise.jar ]] || ./mvnw -q -DskipTests -Dspotless.check.skip=true package
work="$(mktemp -d /tmp/kw-infer-XXXX)"
on=18181 off=18182
# one admin key for both instances (security on, as by default); the benchmark's own key gets a
# predict budget above what two cores can serve, so rate limiting does not cap the figures
export KERNELWISE_SECURITY_ADMIN_KEY="kw-bench-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export KERNELWISE_API_KEY="$KERNELWISE_SECURITY_ADMIN_KEY"
auth=(-H "Authorization: Bearer $KERNELWISE_API_KEY")
common=(--kernelwise.security.rate-limits.predict.capacity=100000000
  --kernelwise.security.rate-limits.predict.period=1s)
java -Xmx2g -jar target/kernelwise.jar --server.port=$on --kernelwise.data-dir="$work/on" \
  "${common[@]}" >"$work/on.log" 2>&1 &
p1=$!
java -Xmx2g -jar target/kernelwise.jar --server.port=$off --kernelwise.data-dir="$work/off" \
  --kernelwise.inference.batching=false "${common[@]}" >"$work/off.log" 2>&1 &
p2=$!
trap 'kill $p1 $p2 2>/dev/null || true' EXIT
for port in $on $off; do
  until curl -fs "localhost:$port/actuator/health/readiness" >/dev/null; do sleep 1; done
done
base="http://localhost:$on"
if [[ -n "$artifact" ]]; then
  model=$(curl -fs "${auth[@]}" -F file=@"$artifact" "$base/api/v1/models/import" | jq -r .id)
  echo "imported $artifact as $model"
else
ds=$(curl -fs "${auth[@]}" -F file=@../shared/datasets/cifar10.zip -F name=cifar10 "$base/api/v1/datasets" | jq -r .id)
until [[ $(curl -fs "${auth[@]}" "$base/api/v1/datasets/$ds" | jq -r .state) == READY ]]; do sleep 1; done
arch=$(curl -fs "${auth[@]}" -XPOST "$base/api/v1/architectures" -H 'Content-Type: application/json' \
  -d @../shared/bench/specs/seed-3x3.json | jq -r .id)
job=$(curl -fs "${auth[@]}" -XPOST "$base/api/v1/jobs" -H 'Content-Type: application/json' -d "{
  \"architectureId\":\"$arch\",\"datasetId\":\"$ds\",\"device\":\"cpu\",
  \"hyperparameters\":{\"epochs\":1,\"batchSize\":128,\"seed\":0}}" | jq -r .id)
echo "training seed-3x3 for one epoch (job $job)"
until [[ $(curl -fs "${auth[@]}" "$base/api/v1/jobs/$job" | jq -r .state) =~ SUCCEEDED|FAILED|CANCELLED ]]; do sleep 2; done
curl -fs "${auth[@]}" "$base/api/v1/jobs/$job" | jq -c '{state, testAccuracy, modelId}'
model=$(curl -fs "${auth[@]}" "$base/api/v1/jobs/$job" | jq -r .modelId)
fi
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "load before: $(cat /proc/loadavg)"
java bench/InferenceBench.java --base "$base" --model "$model" --nobatch-base "http://localhost:$off" \
  --accuracy "$@" | tee "$work/bench.txt"
kill $p1 $p2 2>/dev/null || true
wait $p1 $p2 2>/dev/null || true
trap - EXIT

echo "bare DJL predictor, same spec, services stopped (load $(cut -d' ' -f1-3 /proc/loadavg)):"
./mvnw -o -q dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" >/dev/null
java -cp "target/classes:$(cat "$work/cp.txt")" bench/ForwardBaseline.java \
  ../shared/bench/specs/seed-3x3.json 1 2 2>/dev/null | grep -E '^(batch|bare)' | tee "$work/bare.txt"
single=$(awk '/^batch 32:/ {print $(NF-1)}' "$work/bare.txt")
both=$(awk '/^bare batch-32 throughput/ {print $(NF-1)}' "$work/bare.txt")
predict=$(grep -oP 'c=32 /predict batching ON \(.*?\): \K[0-9]+' "$work/bench.txt" || echo 0)
v2=$(grep -oP 'c=32 /v2 infer BYTES batching ON: \K[0-9]+' "$work/bench.txt" || echo 0)
for what in "/predict:$predict" "/v2 infer:$v2"; do
  name=${what%%:*} value=${what##*:}
  awk -v n="$name" -v v="$value" -v s="$single" -v b="$both" 'BEGIN {
    printf "c=32 %s %d img/s = %.0f %% of one bare predictor at batch 32 (1 thread, %d img/s), %.0f %% of two at once (%d img/s)\n", n, v, 100*v/s, s, 100*v/b, b }'
done
echo "load after: $(cat /proc/loadavg)"
