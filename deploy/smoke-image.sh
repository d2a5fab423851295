#!/usr/bin/env bash
# Smoke test of the container image: builds it with the engine on this machine (podman or docker),
# runs it read-only as it runs on Kubernetes, waits for readiness, checks it runs as non-root and
# its HEALTHCHECK follows SERVER_PORT, trains a one-epoch job on the mini dataset and predicts.
#
#   deploy/smoke-image.sh                         registry base images (the Dockerfile's defaults)
#   LOCAL_BASE=1 deploy/smoke-image.sh            base images made by deploy/make-local-base.sh
#
# Env: ENGINE (podman|docker), RUNTIME (podman OCI runtime, default runc when installed), PORT
# (18080), IMAGE (kernelwise:smoke), DATASET (../shared/datasets/cifar10-mini.zip), M2 (a Maven
# repository to mount into the build as a cache, default ~/.m2 when present), KEEP=1 keeps the
# image. Uses the host network; the host's net.ipv4.ip_forward and iptables rules are recorded
# first and restored on exit (podman's bridge network changes both).
set -euo pipefail
cd "$(dirname "$0")/.."

engine="${ENGINE:-$(command -v podman || command -v docker || true)}"
[ -n "$engine" ] || { echo "no podman or docker: nothing to smoke-test" >&2; exit 2; }
image="${IMAGE:-kernelwise:smoke}"
port="${PORT:-18080}"
dataset="${DATASET:-../shared/datasets/cifar10-mini.zip}"
key="${KERNELWISE_SECURITY_ADMIN_KEY:-smoke-admin-key-0123456789abcdef0123456789}"
name="kernelwise-smoke-$$"
ce=("$engine")
if [[ "$(basename "$engine")" == podman* ]]; then
  runtime="${RUNTIME:-$(command -v runc || true)}"
  [ -n "$runtime" ] && ce+=(--runtime "$runtime")
fi
limits=(--ulimit nofile=20000:20000 --ulimit nproc=32768:32768)
start=$SECONDS
step() { printf '[smoke %4ds] %s\n' $((SECONDS - start)) "$*"; }

# Record the host's forwarding switch and firewall so the run leaves them as they were.
forward="$(cat /proc/sys/net/ipv4/ip_forward 2>/dev/null || true)"
rules=""
if [ "$(id -u)" = 0 ] && command -v iptables-save >/dev/null; then rules="$(iptables-save)"; fi
cleanup() {
  local rc=$?
  "${ce[@]}" rm -f "$name" >/dev/null 2>&1 || true
  "${ce[@]}" volume rm -f "$name-data" "$name-shared" >/dev/null 2>&1 || true
  [ "${KEEP:-0}" = 1 ] || "${ce[@]}" rmi -f "$image" >/dev/null 2>&1 || true
  if [ -n "$forward" ] && [ "$(cat /proc/sys/net/ipv4/ip_forward)" != "$forward" ]; then
    echo "$forward" > /proc/sys/net/ipv4/ip_forward && step "restored net.ipv4.ip_forward=$forward"
  fi
  if [ -n "$rules" ] && [ "$(iptables-save | grep -v '^#')" != "$(grep -v '^#' <<<"$rules")" ]; then
    iptables-restore <<<"$rules" && step "restored the host's iptables rules"
  fi
  exit $rc
}
trap cleanup EXIT

build=(build --network=host "${limits[@]}" -t "$image")
# podman's default OCI image format has no HEALTHCHECK: keep Docker's
[[ "$(basename "$engine")" == podman* ]] && build+=(--format docker)
if [ "${LOCAL_BASE:-0}" = 1 ]; then
  build+=(--build-arg BUILDER=localhost/kernelwise-builder:bookworm
    --build-arg BASE=localhost/kernelwise-base:bookworm)
fi
# Debian's JDK keeps its trust store outside the package; reuse the host's for Maven's downloads.
[ -f /etc/ssl/certs/java/cacerts ] && build+=(-v /etc/ssl/certs/java/cacerts:/etc/ssl/certs/java/cacerts:ro)
m2="${M2:-$HOME/.m2}"
[ -d "$m2" ] && build+=(-v "$m2:/root/.m2")
step "building $image with $engine ${build[*]:1}"
"${ce[@]}" "${build[@]}" . 2>&1 | tail -n 5

user="$("${ce[@]}" image inspect --format '{{.Config.User}}' "$image")"
step "image user: $user"
[[ "$user" =~ ^[1-9][0-9]*(:[0-9]+)?$ ]] || { echo "USER must be numeric and non-root: '$user'" >&2; exit 1; }

step "running it read-only on port $port (SERVER_PORT)"
"${ce[@]}" volume create "$name-data" >/dev/null
"${ce[@]}" volume create "$name-shared" >/dev/null
"${ce[@]}" run -d --name "$name" --network=host "${limits[@]}" --read-only \
  --tmpfs /tmp:rw,size=512m --cap-drop=ALL --security-opt no-new-privileges \
  -v "$name-data:/var/lib/kernelwise" -v "$name-shared:/shared" \
  -e SERVER_PORT="$port" -e KERNELWISE_SECURITY_ADMIN_KEY="$key" \
  -e KERNELWISE_TRAINING_THREADS=2 "$image" >/dev/null
url="http://127.0.0.1:$port"
for i in $(seq 1 180); do
  if curl -fs "$url/actuator/health/readiness" >/dev/null 2>&1; then break; fi
  if [ "$("${ce[@]}" inspect -f '{{.State.Running}}' "$name")" != true ] || [ "$i" = 180 ]; then
    "${ce[@]}" logs "$name" | tail -n 40
    echo "not ready" >&2
    exit 1
  fi
  sleep 1
done
step "ready: $(curl -fs "$url/actuator/health/readiness")"
uid="$("${ce[@]}" exec "$name" id -u)"
step "process uid inside the container: $uid"
[ "$uid" != 0 ] || { echo "runs as root" >&2; exit 1; }
health="$("${ce[@]}" image inspect --format '{{json .Config.Healthcheck}}' "$image")"
step "image HEALTHCHECK: $health"
grep -q 'SERVER_PORT' <<<"$health" || { echo "no HEALTHCHECK following SERVER_PORT" >&2; exit 1; }
if [[ "$(basename "$engine")" == podman* ]]; then
  "${ce[@]}" healthcheck run "$name"
  step "HEALTHCHECK run on port $port: healthy"
fi

auth=(-H "Authorization: Bearer $key")
arch="$(curl -fs "${auth[@]}" -XPOST "$url/api/v1/architectures" -H 'Content-Type: application/json' \
  -d @../shared/bench/specs/seed-3x3.json | sed -E 's/.*"id":"([^"]+)".*/\1/')"
step "architecture $arch"
ds="$(curl -fs "${auth[@]}" -F "file=@$dataset" -F name=cifar10-mini "$url/api/v1/datasets" |
  sed -E 's/^\{"id":"([^"]+)".*/\1/')"
for _ in $(seq 1 120); do
  state="$(curl -fs "${auth[@]}" "$url/api/v1/datasets/$ds" | grep -o '"state":"[A-Z]*"' | head -1)"
  [ "$state" = '"state":"READY"' ] && break
  sleep 1
done
step "dataset $ds $state"
job="$(curl -fs "${auth[@]}" -XPOST "$url/api/v1/jobs" -H 'Content-Type: application/json' -d "{
  \"architectureId\":\"$arch\",\"datasetId\":\"$ds\",\"device\":\"cpu\",
  \"hyperparameters\":{\"epochs\":1,\"batchSize\":32,\"seed\":7}}" | sed -E 's/^\{"id":"([^"]+)".*/\1/')"
step "job $job queued"
for _ in $(seq 1 600); do
  body="$(curl -fs "${auth[@]}" "$url/api/v1/jobs/$job")"
  state="$(grep -o '"state":"[A-Z]*"' <<<"$body" | head -1)"
  case "$state" in *SUCCEEDED*|*FAILED*|*CANCELLED*) break ;; esac
  sleep 1
done
step "job $state"
[ "$state" = '"state":"SUCCEEDED"' ] || { echo "$body" >&2; exit 1; }
model="$(grep -o '"modelId":"[^"]*"' <<<"$body" | cut -d'"' -f4)"
img="$(mktemp -d)"
unzip -q -j "$dataset" "$(unzip -Z1 "$dataset" | grep -iE '\.(png|jpe?g)$' | head -1)" -d "$img"
file="$(ls "$img"/* | head -1)"
prediction="$(curl -fs "${auth[@]}" -XPOST "$url/api/v1/models/$model/predict?topK=3" -F "file=@$file")"
rm -rf "$img"
step "predict $(basename "$file") with model $model: $prediction"
grep -q '"probability"' <<<"$prediction"
step "OK: built, read-only, uid $uid, ready, trained 1 epoch, predicted"
