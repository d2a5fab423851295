#!/usr/bin/env bash
# Trains the article's three nets through the running service and runs the PyTorch peer in the
# same run; see bench/training_service.py for options. Run on an otherwise idle machine.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -f target/kernelwise.jar ]] || ./mvnw -q -DskipTests -Dspotless.check.skip=true package
exec /usr/bin/python3 bench/training_service.py "$@"
