#!/usr/bin/python3
"""Training benchmark THROUGH THE SERVICE, side by side with the PyTorch peer.

Starts the packaged service (target/kernelwise.jar) on a fresh data directory, uploads the full
CIFAR-10 zip (timing the ingest), creates seed-3x3, seed-5x5 and seed-separable from
../shared/bench/specs, trains each for --epochs as a queued job (batch 128, Adam 1e-3, 2 threads;
job queue, metrics, listeners, checkpoints and --augment included), samples the service's RSS, then
runs ../shared/bench/pytorch_peer.py with the same settings in the same run and prints both.

    bench/training-service.sh [--epochs 1] [--augment] [--specs seed-3x3,...] [--no-peer]
    bench/training-service.sh --epochs 10 --augment --cosine --specs seed-3x3 --no-peer  # time to accuracy

bf16 (issue 13): --precision bf16 trains through the service's scripted bf16 route (channels-last
unless --no-channels-last) and, unless told otherwise, runs the PyTorch 2 peer of peer-env.sh with
--channels-last --bf16 (its best), so the ratio is against PyTorch at its best:

    bench/training-service.sh --precision bf16 --specs seed-3x3,seed-5x5,seed-separable,resnet-cifar

Specs are read from ../shared/bench/specs, else from the service's presets (resnet-cifar, ...).
"""
import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import secrets
import urllib.request
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.normpath(os.path.join(ROOT, "..", "shared"))
# security is on by default: the service is started with this admin key and every call sends it
KEY = secrets.token_urlsafe(32)


def call(base, method, path, body=None, content_type="application/json"):
    data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("Authorization", "Bearer " + KEY)
    if data is not None:
        req.add_header("Content-Type", content_type)
    with urllib.request.urlopen(req, timeout=600) as r:
        return json.loads(r.read() or b"null")


def upload(base, path, name):
    boundary = "kw" + uuid.uuid4().hex
    with open(path, "rb") as f:
        content = f.read()
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n{name}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}.zip\"\r\n"
            f"Content-Type: application/zip\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return call(base, "POST", "/api/v1/datasets", body, "multipart/form-data; boundary=" + boundary)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RssSampler(threading.Thread):
    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.peak, self.running = pid, 0, True

    def run(self):
        while self.running:
            try:
                with open(f"/proc/{self.pid}/status") as f:
                    for line in f:
                        if line.startswith("VmRSS:"):
                            self.peak = max(self.peak, int(line.split()[1]) * 1024)
            except FileNotFoundError:
                return
            time.sleep(0.2)


def spec_path(name):
    """The shared bench spec, else the service's preset of that name."""
    shared = os.path.join(SHARED, "bench", "specs", name + ".json")
    if os.path.exists(shared):
        return shared
    return os.path.join(ROOT, "src", "main", "resources", "architecture", "presets", name + ".json")


def peer_env():
    """The PyTorch 2 peer's python (built by ../shared/bench/peer-env.sh, no network)."""
    out = subprocess.run(["bash", os.path.join(SHARED, "bench", "peer-env.sh")], capture_output=True, text=True,
                         check=True)
    return out.stdout.strip().splitlines()[-1]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", default=os.path.join(SHARED, "datasets", "cifar10.zip"))
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--specs", default="seed-3x3,seed-5x5,seed-separable")
    p.add_argument("--augment", action="store_true", help="random flip + crop (padding 4)")
    p.add_argument("--cosine", action="store_true", help="cosine schedule with 1 warm-up epoch")
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--no-peer", action="store_true")
    p.add_argument("--precision", choices=("fp32", "bf16", "auto"), default=None,
                   help="hyperparameters.precision (default: the service's, fp32)")
    p.add_argument("--no-channels-last", action="store_true",
                   help="scripted route in NCHW (-Dkernelwise.training.channels-last=false)")
    p.add_argument("--peer-python", default=None,
                   help="python for the peer (default: peer-env.sh's PyTorch 2 with --precision bf16,"
                        " else /usr/bin/python3)")
    p.add_argument("--peer-args", default=None,
                   help="extra peer flags (default: '--channels-last --bf16' with --precision bf16)")
    p.add_argument("--xmx", default="3g")
    a = p.parse_args()

    jar = os.path.join(ROOT, "target", "kernelwise.jar")
    if not os.path.exists(jar):
        sys.exit("build the jar first: ./mvnw -q -DskipTests package")
    data_dir = tempfile.mkdtemp(prefix="kw-bench-")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(os.path.join(data_dir, "service.log"), "w")
    jvm = ["-Dkernelwise.training.channels-last=false"] if a.no_channels_last else []
    service = subprocess.Popen(
        ["java", f"-Xmx{a.xmx}", *jvm, "-jar", jar, f"--server.port={port}", f"--kernelwise.data-dir={data_dir}",
         f"--kernelwise.training.threads={a.threads}", f"--kernelwise.security.admin-key={KEY}"], stdout=log, stderr=subprocess.STDOUT)
    results = []
    try:
        for _ in range(240):
            try:
                if call(base, "GET", "/actuator/health/readiness")["status"] == "UP":
                    break
            except Exception:
                time.sleep(0.5)
        print(f"load before: {open('/proc/loadavg').read().strip()}", flush=True)
        t0 = time.perf_counter()
        ds = upload(base, a.data, "cifar10")
        while ds["state"] == "INGESTING":
            time.sleep(0.2)
            ds = call(base, "GET", f"/api/v1/datasets/{ds['id']}")
        ingest = time.perf_counter() - t0
        print(json.dumps({"ingest": ds["state"], "seconds": round(ingest, 2), "train": ds["trainCount"],
                          "test": ds["testCount"], "mean": ds["mean"], "std": ds["std"]}), flush=True)
        sampler = RssSampler(service.pid)
        sampler.start()
        for name in a.specs.split(","):
            spec = json.load(open(spec_path(name)))
            arch = call(base, "POST", "/api/v1/architectures", spec)
            hp = {"epochs": a.epochs, "batchSize": a.batch_size, "seed": 0,
                  "optimizer": {"type": "adam", "learningRate": a.lr}}
            if a.augment:
                hp["augmentation"] = {"flip": True, "crop": True, "cropPadding": 4}
            if a.cosine:
                hp["schedule"] = {"type": "cosine", "warmupEpochs": 1}
            if a.precision:
                hp["precision"] = a.precision
            t0 = time.perf_counter()
            job = call(base, "POST", "/api/v1/jobs",
                       {"architectureId": arch["id"], "datasetId": ds["id"], "device": "cpu", "hyperparameters": hp})
            while job["state"] not in ("SUCCEEDED", "FAILED", "CANCELLED"):
                time.sleep(0.5)
                job = call(base, "GET", f"/api/v1/jobs/{job['id']}")
            wall = time.perf_counter() - t0
            epochs = call(base, "GET", f"/api/v1/jobs/{job['id']}/metrics")["epochs"]
            for e in epochs:
                print(json.dumps({"service": name, **e}), flush=True)
            rate = sum(e["imagesPerSecond"] for e in epochs) / max(1, len(epochs))
            results.append({"spec": name, "state": job["state"], "imagesPerSecond": round(rate, 1),
                            "testAccuracy": job.get("testAccuracy"), "jobWallSeconds": round(wall, 1),
                            "precision": job.get("precision"),
                            "peakRssBytes": sampler.peak})
            print(json.dumps({"service": name, "summary": results[-1]}), flush=True)
        sampler.running = False
    finally:
        service.terminate()
        service.wait(60)
        log.close()

    if a.no_peer:
        print(json.dumps({"results": results}))
        return
    print(f"load before peer: {open('/proc/loadavg').read().strip()}", flush=True)
    bf16 = a.precision == "bf16"
    peer_python = a.peer_python or (peer_env() if bf16 else "/usr/bin/python3")
    peer_args = (a.peer_args if a.peer_args is not None else ("--channels-last --bf16" if bf16 else "")).split()
    print(json.dumps({"peer": peer_python, "peerArgs": peer_args}), flush=True)
    for r in results:
        out = subprocess.run(
            [peer_python, "pytorch_peer.py", "--spec", spec_path(r["spec"]), "--data", a.data,
             "--epochs", str(a.epochs), "--batch-size", str(a.batch_size), "--threads", str(a.threads),
             "--lr", str(a.lr), *peer_args], cwd=os.path.join(SHARED, "bench"), capture_output=True, text=True,
            check=True)
        lines = [json.loads(l) for l in out.stdout.splitlines() if l.startswith("{")]
        for l in lines:
            print(json.dumps({"peer": r["spec"], **l}), flush=True)
        r["peerImagesPerSecond"] = lines[-1]["meanImagesPerSecond"]
        r["peerTestAccuracy"] = lines[-2]["testAccuracy"]
        r["ratio"] = round(r["imagesPerSecond"] / r["peerImagesPerSecond"], 2)
    print()
    print(f"{'spec':16} {'precision':>9} {'service img/s':>14} {'peer img/s':>11} {'ratio':>6} {'service acc':>12} {'peer acc':>9} {'peak RSS':>9}")
    for r in results:
        print(f"{r['spec']:16} {str(r['precision']):>9} {r['imagesPerSecond']:>14} {r['peerImagesPerSecond']:>11} {r['ratio']:>6} "
              f"{r['testAccuracy']:>12.4f} {r['peerTestAccuracy']:>9.4f} {r['peakRssBytes'] / 2**30:>8.2f}G")


if __name__ == "__main__":
    main()
