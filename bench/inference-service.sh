#!/usr/bin/env bash
# The whole inference benchmark in one command: starts two instances of the packaged service
# (dynamic batching on / off), uploads ../shared/datasets/cifar10.zip, trains seed-3x3 for one epoch
# through the job queue, then runs bench/InferenceBench.java (forward p50, HTTP p50/p99 at c=1,
# throughput at c=32 on vs off, top-1 accuracy of the HTTP answers vs the job's test accuracy).
#   bench/inference-service.sh [extra InferenceBench args]
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -f target/kernelwise.jar ]] || ./mvnw -q -DskipTests -Dspotless.check.skip=true package
work="$(mktemp -d /tmp/kw-infer-XXXX)"
on=18181 off=18182
# security is on by default: both instances take this admin key, every curl below sends it
# (through $CURL_HOME/.curlrc) and InferenceBench reads it from KERNELWISE_KEY
export KERNELWISE_KEY="kwbench_$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export KERNELWISE_SECURITY_ADMIN_KEY="$KERNELWISE_KEY" CURL_HOME="$work"
printf 'header = "Authorization: Bearer %s"\n' "$KERNELWISE_KEY" >"$work/.curlrc"
java -Xmx2g -jar target/kernelwise.jar --server.port=$on --kernelwise.data-dir="$work/on" >"$work/on.log" 2>&1 &
p1=$!
java -Xmx2g -jar target/kernelwise.jar --server.port=$off --kernelwise.data-dir="$work/off" \
  --kernelwise.inference.batching=false >"$work/off.log" 2>&1 &
p2=$!
trap 'kill $p1 $p2 2>/dev/null || true' EXIT
for port in $on $off; do
  until curl -fs "localhost:$port/actuator/health/readiness" >/dev/null; do sleep 1; done
done
base="http://localhost:$on"
ds=$(curl -fs -F file=@../shared/datasets/cifar10.zip -F name=cifar10 "$base/api/v1/datasets" | jq -r .id)
until [[ $(curl -fs "$base/api/v1/datasets/$ds" | jq -r .state) == READY ]]; do sleep 1; done
arch=$(curl -fs -XPOST "$base/api/v1/architectures" -H 'Content-Type: application/json' \
  -d @../shared/bench/specs/seed-3x3.json | jq -r .id)
job=$(curl -fs -XPOST "$base/api/v1/jobs" -H 'Content-Type: application/json' -d "{
  \"architectureId\":\"$arch\",\"datasetId\":\"$ds\",\"device\":\"cpu\",
  \"hyperparameters\":{\"epochs\":1,\"batchSize\":128,\"seed\":0}}" | jq -r .id)
echo "training seed-3x3 for one epoch (job $job)"
until [[ $(curl -fs "$base/api/v1/jobs/$job" | jq -r .state) =~ SUCCEEDED|FAILED|CANCELLED ]]; do sleep 2; done
curl -fs "$base/api/v1/jobs/$job" | jq -c '{state, testAccuracy, modelId}'
model=$(curl -fs "$base/api/v1/jobs/$job" | jq -r .modelId)
echo "load before: $(cat /proc/loadavg)"
java bench/InferenceBench.java --base "$base" --model "$model" --nobatch-base "http://localhost:$off" \
  --accuracy "$@"
