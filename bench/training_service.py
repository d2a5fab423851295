#!/usr/bin/python3
"""Training benchmark THROUGH THE SERVICE, side by side with the PyTorch peer.

Starts the packaged service (target/kernelwise.jar) on a fresh data directory, uploads the full
CIFAR-10 zip (timing the ingest), creates seed-3x3, seed-5x5 and seed-separable from
../shared/bench/specs, trains each for --epochs as a queued job (batch 128, Adam 1e-3, 2 threads;
job queue, metrics, listeners, checkpoints and --augment included), samples the service's RSS, then
runs ../shared/bench/pytorch_peer.py with the same settings in the same run and prints both.

    bench/training-service.sh [--epochs 1] [--augment] [--specs seed-3x3,...] [--no-peer]
    bench/training-service.sh --epochs 10 --augment --cosine --specs seed-3x3 --no-peer  # time to accuracy
    bench/training-service.sh --no-peer --specs fast-cifar --spec-dir src/main/resources/architecture/presets \
        --recipe src/main/resources/architecture/presets/fast-cifar.recipe.json --epochs 12
    # against PyTorch 1.13 and 2.13, eager and at its best (channels-last + bf16 autocast):
    bench/training-service.sh --specs seed-3x3 --peer-python 1.13=/usr/bin/python3@eager \
        --peer-python 2.13=$(bash ../shared/bench/peer-env.sh | tail -n 1) --peer-variants eager,cl,bf16,cl-bf16
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
# what NativeAllocator sets with mallopt inside the service, as an environment for a peer
MALLOC_TUNABLES = "glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=2147483647"


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
    p.add_argument("--recipe", help="a JSON file of hyperparameters used as they are (--epochs still applies), "
                   "e.g. src/main/resources/architecture/presets/fast-cifar.recipe.json")
    p.add_argument("--precision", help="the job's precision hyperparameter (fp32, bf16, auto); omitted: the default"
                   " (fp32). bf16 trains through the scripted TorchScript route, channels-last")
    p.add_argument("--no-channels-last", action="store_true",
                   help="the scripted route in NCHW (-Dkernelwise.training.channels-last=false)")
    p.add_argument("--scripted-fp32", action="store_true",
                   help="fp32 through the scripted route (the default; -Dkernelwise.training.scripted-fp32=true)")
    p.add_argument("--djl-blocks", action="store_true",
                   help="fp32 on DJL's own blocks (-Dkernelwise.training.scripted-fp32=false)")
    p.add_argument("--spec-dir", default=os.path.join(SHARED, "bench", "specs"),
                   help="where SPEC.json files are read (the project's presets: src/main/resources/architecture/presets)")
    p.add_argument("--peer-python", action="append",
                   help="python(s) running the peer, each as LABEL=PATH or LABEL=PATH@VARIANTS to override "
                        "--peer-variants for it (default: 1.13=/usr/bin/python3; "
                        "PyTorch 2: 2.13=$(bash ../shared/bench/peer-env.sh | tail -n 1))")
    p.add_argument("--peer-variants", default="eager",
                   help="comma list of eager, cl (--channels-last), bf16 (--bf16), cl-bf16 (both); a +malloc "
                        "suffix (cl-bf16+malloc) runs that peer with GLIBC_TUNABLES set to the malloc thresholds "
                        "the service sets in-process (see NativeAllocator), to compare like with like")
    p.add_argument("--no-retain-freed-memory", action="store_true",
                   help="glibc's malloc defaults in the service (-Dkernelwise.djl.retain-freed-memory=false)")
    p.add_argument("--xmx", default="3g")
    a = p.parse_args()
    # the peer runs in ../shared/bench: a relative --spec-dir must not depend on that
    a.spec_dir = os.path.abspath(a.spec_dir)

    jar = os.path.join(ROOT, "target", "kernelwise.jar")
    if not os.path.exists(jar):
        sys.exit("build the jar first: ./mvnw -q -DskipTests package")
    data_dir = tempfile.mkdtemp(prefix="kw-bench-")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(os.path.join(data_dir, "service.log"), "w")
    jvm = ["-Dkernelwise.training.channels-last=false"] if a.no_channels_last else []
    jvm += ["-Dkernelwise.training.scripted-fp32=true"] if a.scripted_fp32 else []
    jvm += ["-Dkernelwise.training.scripted-fp32=false"] if a.djl_blocks else []
    jvm += ["-Dkernelwise.djl.retain-freed-memory=false"] if a.no_retain_freed_memory else []
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
            spec = json.load(open(os.path.join(a.spec_dir, name + ".json")))
            arch = call(base, "POST", "/api/v1/architectures", spec)
            hp = {"epochs": a.epochs, "batchSize": a.batch_size, "seed": 0,
                  "optimizer": {"type": "adam", "learningRate": a.lr}}
            if a.augment:
                hp["augmentation"] = {"flip": True, "crop": True, "cropPadding": 4}
            if a.cosine:
                hp["schedule"] = {"type": "cosine", "warmupEpochs": 1}
            if a.recipe:
                hp = {**json.load(open(a.recipe)), "epochs": a.epochs}
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
    pythons = [p.split("=", 1) for p in (a.peer_python or ["1.13=/usr/bin/python3"])]
    flags = {"eager": [], "cl": ["--channels-last"], "bf16": ["--bf16"], "cl-bf16": ["--channels-last", "--bf16"]}
    peers = []
    for r in results:
        for label, python in pythons:
            python, _, own = python.partition("@")
            for variant in (own or a.peer_variants).split(","):
                base_variant, _, tuned = variant.partition("+")
                env = {**os.environ, "GLIBC_TUNABLES": MALLOC_TUNABLES} if tuned == "malloc" else None
                out = subprocess.run(
                    [python, "pytorch_peer.py", "--spec", os.path.join(a.spec_dir, r["spec"] + ".json"),
                     "--data", a.data, "--epochs", str(a.epochs), "--batch-size", str(a.batch_size),
                     "--threads", str(a.threads), "--lr", str(a.lr), *flags[base_variant]],
                    cwd=os.path.join(SHARED, "bench"), capture_output=True, text=True, check=True, env=env)
                lines = [json.loads(l) for l in out.stdout.splitlines() if l.startswith("{")]
                for l in lines:
                    print(json.dumps({"peer": r["spec"], "torch": label, "variant": variant, **l}), flush=True)
                peers.append({"spec": r["spec"], "peer": f"PyTorch {label} {variant}",
                              "imagesPerSecond": lines[-1]["meanImagesPerSecond"],
                              "testAccuracy": lines[-2]["testAccuracy"]})
    print()
    print(f"{'spec':16} {'who':28} {'img/s':>8} {'service/who':>11} {'test acc':>9} {'peak RSS':>9}")
    for r in results:
        print(f"{r['spec']:16} {'Kernelwise ' + str(r['precision']):28} {r['imagesPerSecond']:>8} {'':>11} "
              f"{r['testAccuracy']:>9.4f} {r['peakRssBytes'] / 2**30:>8.2f}G")
        for q in (q for q in peers if q["spec"] == r["spec"]):
            print(f"{'':16} {q['peer']:28} {q['imagesPerSecond']:>8} "
                  f"{r['imagesPerSecond'] / q['imagesPerSecond']:>11.2f} {q['testAccuracy']:>9.4f}")

if __name__ == "__main__":
    main()
