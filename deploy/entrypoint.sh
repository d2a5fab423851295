#!/bin/sh
# The image's entry point: a CUDA variant (libtorch unpacked under /opt/libtorch) points DJL at
# it; the CPU image uses the natives from the jar. Then the service replaces this shell.
if [ -f /opt/libtorch/flavor ] && [ -z "${PYTORCH_LIBRARY_PATH:-}" ]; then
  PYTORCH_LIBRARY_PATH=/opt/libtorch/lib
  PYTORCH_FLAVOR="$(cat /opt/libtorch/flavor)"
  PYTORCH_VERSION=2.7.1
  export PYTORCH_LIBRARY_PATH PYTORCH_FLAVOR PYTORCH_VERSION
fi
exec java org.springframework.boot.loader.launch.JarLauncher "$@"
