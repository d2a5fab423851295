#!/usr/bin/env bash
# What API-key security costs a predict: two instances of the packaged jar, security on (default)
# and off, the same random-weight seed-3x3 model imported into each, then bench/SecurityOverhead.java
# (HTTP predict p50 at concurrency 1, requests alternating between the two).
#   bench/security-overhead.sh [--requests N]
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -f target/kernelwise.jar ]] || ./mvnw -q -DskipTests -Dspotless.check.skip=true package
[[ -d target/classes/io ]] || ./mvnw -q -Dspotless.check.skip=true compile
work="$(mktemp -d /tmp/kw-secbench-XXXX)"
./mvnw -q dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" >/dev/null
on=18191 off=18192
export KERNELWISE_KEY="kwbench_$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
KERNELWISE_SECURITY_ADMIN_KEY="$KERNELWISE_KEY" java -Xmx2g -jar target/kernelwise.jar \
  --server.port=$on --kernelwise.data-dir="$work/on" >"$work/on.log" 2>&1 &
p1=$!
java -Xmx2g -jar target/kernelwise.jar --server.port=$off --kernelwise.data-dir="$work/off" \
  --kernelwise.security.enabled=false >"$work/off.log" 2>&1 &
p2=$!
trap 'kill $p1 $p2 2>/dev/null || true' EXIT
java -cp "target/classes:$(cat "$work/cp.txt")" bench/MakeRandomModel.java \
  src/main/resources/architecture/presets/seed-3x3.json "$work/model.zip" >/dev/null 2>&1
for port in $on $off; do
  until curl -fs "localhost:$port/actuator/health/readiness" >/dev/null; do sleep 1; done
done
m1=$(curl -fs -H "Authorization: Bearer $KERNELWISE_KEY" -F file=@"$work/model.zip" \
  "localhost:$on/api/v1/models/import" | jq -r .id)
m2=$(curl -fs -F file=@"$work/model.zip" "localhost:$off/api/v1/models/import" | jq -r .id)
echo "load before: $(cat /proc/loadavg)"
java bench/SecurityOverhead.java --on "http://localhost:$on" --model-on "$m1" \
  --off "http://localhost:$off" --model-off "$m2" "$@"
echo "load after: $(cat /proc/loadavg)"
