# syntax=docker/dockerfile:1
# Build: docker build -t kernelwise .   Run: docker run -p 8080:8080 -v kw-data:/var/lib/kernelwise kernelwise
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
RUN ./mvnw -B -q dependency:go-offline
COPY src src
RUN ./mvnw -B -q -DskipTests -Dspotless.check.skip=true package \
 && java -Djarmode=tools -jar target/kernelwise.jar extract --layers --launcher --destination /layers

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 --home-dir /var/lib/kernelwise kernelwise \
 && mkdir -p /var/lib/kernelwise /opt/kernelwise && chown -R kernelwise /var/lib/kernelwise
WORKDIR /opt/kernelwise
COPY --from=build /layers/dependencies/ ./
COPY --from=build /layers/spring-boot-loader/ ./
COPY --from=build /layers/snapshot-dependencies/ ./
COPY --from=build /layers/application/ ./
USER kernelwise
# Data (database, datasets, checkpoints, models) and DJL's unpacked natives live on the volume.
ENV KERNELWISE_DATA_DIR=/var/lib/kernelwise \
    DJL_CACHE_DIR=/var/lib/kernelwise/.djl.ai \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
VOLUME /var/lib/kernelwise
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
  CMD curl -fs http://localhost:8080/actuator/health/liveness || exit 1
ENTRYPOINT ["java", "org.springframework.boot.loader.launch.JarLauncher"]
