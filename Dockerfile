# Kernelwise image. Base images are build arguments, so a site with its own mirror (or a base made
# locally, see deploy/make-local-base.sh) builds it without Docker Hub:
#   docker build -t kernelwise .                                          CPU (default)
#   docker build --build-arg BUILDER=my/jdk17 --build-arg BASE=my/jre17 -t kernelwise .
#   docker build --build-arg VARIANT=cu128 --build-arg BASE=<CUDA 12.8 runtime + JRE 17> -t kernelwise:cu128 .
# Run: docker run -p 8080:8080 -v kw-data:/var/lib/kernelwise -v kw-shared:/shared kernelwise
# The runtime base needs a JRE 17 as `java`, curl (health check), fontconfig + a font (charts) and
# useradd; the builder a JDK 17. See docs/deployment.md.
ARG BUILDER=eclipse-temurin:17-jdk
ARG BASE=eclipse-temurin:17-jre

FROM ${BUILDER} AS build
# cpu: PyTorch's CPU natives from the jar. cu128: libtorch 2.7.1+cu128 is unpacked into the image
# and DJL loads it through PYTORCH_LIBRARY_PATH (DJL publishes no CUDA jar for PyTorch 2.7.1).
ARG VARIANT=cpu
ARG LIBTORCH_URL=https://download.pytorch.org/libtorch/cu128/libtorch-cxx11-abi-shared-with-deps-2.7.1%2Bcu128.zip
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
RUN ./mvnw -B -q dependency:go-offline
COPY src src
RUN ./mvnw -B -q -Dmaven.test.skip=true -Dspotless.check.skip=true package \
 && java -Djarmode=tools -jar target/kernelwise.jar extract --layers --launcher --destination /layers
RUN mkdir -p /opt/libtorch \
 && if [ "$VARIANT" != cpu ]; then \
      curl -fsSL -o /tmp/libtorch.zip "$LIBTORCH_URL" \
      && cd /tmp && jar xf libtorch.zip && mv /tmp/libtorch/lib /opt/libtorch/lib \
      && echo "$VARIANT" > /opt/libtorch/flavor && rm -rf /tmp/libtorch /tmp/libtorch.zip; \
    fi

FROM ${BASE}
# fontconfig + a font for experiment charts (JFreeChart), curl for the health check; a base that
# has them already (a locally made one) needs no package manager or network here
RUN if ! command -v curl >/dev/null || ! command -v fc-list >/dev/null; then \
      apt-get update && apt-get install -y --no-install-recommends fontconfig fonts-dejavu-core curl \
      && rm -rf /var/lib/apt/lists/*; \
    fi \
 && useradd --system --uid 10001 --user-group --home-dir /var/lib/kernelwise --no-create-home kernelwise \
 && mkdir -p /var/lib/kernelwise /shared /opt/kernelwise \
 && chown 10001:10001 /var/lib/kernelwise /shared
WORKDIR /opt/kernelwise
COPY --from=build /opt/libtorch/ /opt/libtorch/
COPY --from=build /layers/dependencies/ ./
COPY --from=build /layers/spring-boot-loader/ ./
COPY --from=build /layers/snapshot-dependencies/ ./
COPY --from=build /layers/application/ ./
COPY deploy/entrypoint.sh /opt/kernelwise/entrypoint.sh
# Numeric, so Kubernetes' runAsNonRoot can verify it.
USER 10001:10001
# Writable paths are volumes, so the root file system can be read-only:
#   /var/lib/kernelwise  per instance: embedded database (one-instance mode), DJL's unpacked natives
#   /shared              shared by every instance: datasets' tensor caches, checkpoints, models
#   /tmp                 Tomcat's and the JVM's temporary files
# The heap takes 40% of the memory limit: PyTorch's native tensors live outside it.
ENV KERNELWISE_DATA_DIR=/var/lib/kernelwise \
    KERNELWISE_SHARED_DIR=/shared \
    DJL_CACHE_DIR=/var/lib/kernelwise/.djl.ai \
    SERVER_PORT=8080 \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=40 -XX:+ExitOnOutOfMemoryError -Djava.io.tmpdir=/tmp"
VOLUME ["/var/lib/kernelwise", "/shared", "/tmp"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=90s \
  CMD curl -fs "http://127.0.0.1:${SERVER_PORT:-8080}/actuator/health/liveness" || exit 1
ENTRYPOINT ["/bin/sh", "/opt/kernelwise/entrypoint.sh"]
