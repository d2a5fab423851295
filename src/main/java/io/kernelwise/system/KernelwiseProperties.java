package io.kernelwise.system;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * All of Kernelwise's settings, under {@code kernelwise.*}. Defaults protect a 2-core / 24 GiB box.
 */
@ConfigurationProperties("kernelwise")
public record KernelwiseProperties(
    @DefaultValue("./kernelwise-data") Path dataDir,
    @DefaultValue Limits limits,
    @DefaultValue Datasets datasets,
    @DefaultValue Training training,
    @DefaultValue Models models,
    @DefaultValue Inference inference,
    @DefaultValue Djl djl) {

  /** Architecture limits; over one a spec gets a 400 naming the limit. */
  public record Limits(
      @DefaultValue("1000") int maxLayers,
      @DefaultValue("8") int maxDepth,
      @DefaultValue("100") int maxRepeat,
      @DefaultValue("200000000") long maxParameters,
      @DefaultValue("50000000000") long maxMacs,
      @DefaultValue("1048576") long maxInputPixels,
      @DefaultValue("4096") int maxChannels,
      @DefaultValue("1MB") DataSize maxSpecSize) {}

  /**
   * Upload and ingest limits (zip bombs, huge images). Uploads up to {@code syncIngestMaxSize} are
   * ingested within the request; larger ones in the background. {@code cachedDatasets}: how many
   * loaded datasets stay in memory for training.
   */
  public record Datasets(
      @DefaultValue("1GB") DataSize maxUploadSize,
      @DefaultValue("200000") int maxEntries,
      @DefaultValue("4GB") DataSize maxUncompressedSize,
      @DefaultValue("200") int maxCompressionRatio,
      @DefaultValue("4096") int maxImageSide,
      @DefaultValue("0") int ingestThreads,
      @DefaultValue("1000") int maxClasses,
      @DefaultValue("32MB") DataSize syncIngestMaxSize,
      @DefaultValue("2") int cachedDatasets) {}

  /** Training workers and the database-backed queue. */
  public record Training(
      @DefaultValue("1") int workers,
      @DefaultValue("1s") Duration pollInterval,
      @DefaultValue("5s") Duration heartbeatInterval,
      @DefaultValue("0") int threads,
      @DefaultValue("50") int stepMetricsEvery,
      @DefaultValue("auto") String defaultDevice,
      // jobs: this instance's name in the queue (empty = host name); a restarted instance revives
      // the claims it held under the same name as soon as their heartbeat is stale
      @DefaultValue("") String instanceName,
      // jobs: how often a running job re-reads its cancel flag from the database
      @DefaultValue("500ms") Duration cancelPollInterval,
      // fp32 through the scripted TorchScript module (one native forward instead of one call per
      // layer; 1.25x DJL's own blocks for seed-3x3, docs/benchmarks.md); false: DJL's blocks
      @DefaultValue("true") boolean scriptedFp32,
      // the scripted route in channels-last (oneDNN's NHWC kernels are faster on CPUs); false: NCHW
      @DefaultValue("true") boolean channelsLast) {

    public Training {
      if (workers > 1) {
        // a second concurrent DJL Trainer in one JVM fails (the gradient collector is JVM-wide)
        throw new IllegalArgumentException(
            "kernelwise.training.workers="
                + workers
                + " is not supported: one JVM trains one job at a time. To train several jobs at"
                + " once run more instances (replicas, or several worker processes) on one"
                + " PostgreSQL database, each with kernelwise.training.workers=1 and its own"
                + " kernelwise.training.instance-name");
      }
    }
  }

  /**
   * Where trained models live: {@code store-dir}, else {@code <kernelwise.shared-dir>/models} (see
   * {@link DeploymentProperties#modelStore}).
   */
  public record Models(
      Path storeDir,
      @DefaultValue("512MB") DataSize maxArtifactSize,
      @DefaultValue("16") int maxArtifactEntries) {}

  /** Serving: model cache, predictors, dynamic batching and request limits. */
  public record Inference(
      @DefaultValue("4") int maxLoadedModels,
      @DefaultValue("2") int workersPerModel,
      @DefaultValue("true") boolean batching,
      @DefaultValue("32") int maxBatchSize,
      @DefaultValue("5ms") Duration maxBatchDelay,
      @DefaultValue("256") int queueCapacity,
      @DefaultValue("64") int maxFilesPerRequest,
      @DefaultValue("20MB") DataSize maxImageSize,
      @DefaultValue("50000000") long maxImagePixels,
      @DefaultValue("1") int intraOpThreads,
      @DefaultValue("30s") Duration requestTimeout,
      @DefaultValue("auto") String device,
      // the largest /v2 infer body (JSON and binary tensor data)
      @DefaultValue("16MB") DataSize maxInferRequestSize) {}

  /**
   * DJL engine settings. {@code offline}: DJL never downloads, so startup needs no network. {@code
   * retainFreedMemory}: glibc's malloc keeps freed tensor memory mapped instead of returning it to
   * the kernel each step (see NativeAllocator).
   */
  public record Djl(
      @DefaultValue("true") boolean offline, @DefaultValue("true") boolean retainFreedMemory) {}
}
