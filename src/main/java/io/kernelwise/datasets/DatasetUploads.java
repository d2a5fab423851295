package io.kernelwise.datasets;

import io.kernelwise.system.ApiException;
import io.kernelwise.system.InstanceName;
import io.kernelwise.system.KernelwiseProperties;
import io.kernelwise.system.Names;
import io.kernelwise.system.SafeText;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.multipart.MultipartFile;

/**
 * Upload ingest, {@link DatasetService}'s writing half. An upload is copied to a temporary file,
 * its zip structure checked (400 before anything is stored), then ingested into {@code
 * <shared>/datasets/.tmp-<id>/} and moved to {@code <shared>/datasets/<id>/} in one step. Small
 * uploads are ingested within the request; large ones (or {@code async=true}) on a single
 * background worker, so two big ingests never compete for the cores. A background ingest is owned
 * by this instance and heartbeated, so that another instance on the same database can tell it from
 * an abandoned one.
 */
final class DatasetUploads {
  private static final Logger log = LoggerFactory.getLogger(DatasetUploads.class);

  private final DatasetRepository repository;
  private final KernelwiseProperties.Datasets settings;
  private final Path dataDir;
  private final Path root;
  private final Clock clock;
  private final ZipIngest ingest;
  private final ExecutorService background =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "dataset-ingest");
            t.setDaemon(true);
            return t;
          });
  private final String owner;
  private final Duration heartbeat;
  private final Set<String> ingestingHere = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService heartbeats =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "dataset-ingest-heartbeat");
            t.setDaemon(true);
            return t;
          });

  /** {@code dataDir} is the shared store; uploads go to its {@code datasets} folder. */
  DatasetUploads(
      DatasetRepository repository,
      KernelwiseProperties properties,
      Path dataDir,
      ZipIngest ingest,
      Clock clock) {
    this.repository = repository;
    this.settings = properties.datasets();
    this.dataDir = dataDir;
    this.root = dataDir.resolve("datasets");
    this.clock = clock;
    this.ingest = ingest;
    this.owner = InstanceName.of(properties);
    this.heartbeat = properties.training().heartbeatInterval();
  }

  /**
   * Ingests cut short by this instance's previous process cannot resume (their upload file is
   * gone): FAILED, with their temporary files. Another live instance's ingests on the same database
   * are left alone; those whose owner stopped heartbeating are failed here and by the heartbeat
   * task from then on.
   */
  void recoverAfterRestart() throws IOException {
    Files.createDirectories(root);
    int failed =
        repository.failInterrupted(
            owner,
            "ingest interrupted by a restart of the service; upload the zip again",
            clock.instant());
    failed += failAbandoned();
    Set<String> live = Set.copyOf(repository.ingesting());
    try (var entries = Files.list(root)) {
      for (Path p : entries.toList()) {
        String name = p.getFileName().toString();
        if (name.startsWith(".tmp-") && !live.contains(name.substring(".tmp-".length()))) {
          TensorCache.deleteQuietly(p);
        }
      }
    }
    Path uploads = root.resolve(".uploads");
    if (Files.isDirectory(uploads)) {
      try (var entries = Files.list(uploads)) {
        for (Path p : entries.toList()) {
          String id = p.getFileName().toString().replaceFirst("\\.zip$", "");
          if (!live.contains(id)) {
            TensorCache.deleteQuietly(p);
          }
        }
      }
    }
    if (failed > 0) {
      log.warn("{} interrupted or abandoned dataset ingest(s) marked FAILED", failed);
    }
    long every = Math.max(50, heartbeat.toMillis());
    heartbeats.scheduleWithFixedDelay(this::beat, every, every, TimeUnit.MILLISECONDS);
  }

  /** Heartbeats this instance's ingests and fails others' whose owner went silent. */
  private void beat() {
    try {
      for (String id : ingestingHere) {
        repository.heartbeat(id, owner, clock.instant());
      }
      failAbandoned();
    } catch (RuntimeException e) {
      log.warn("dataset ingest heartbeat failed: {}", e.toString());
    }
  }

  /** Six missed heartbeats, as the job queue (db-scheduler) counts a dead execution. */
  private int failAbandoned() {
    var now = clock.instant();
    return repository.failAbandoned(owner, now.minus(heartbeat.multipliedBy(6)), now);
  }

  DatasetService.Upload upload(MultipartFile file, String name, Boolean async) {
    if (file == null || file.isEmpty()) {
      throw ApiException.invalid(ZipIngest.FIELD, "is required and must not be empty");
    }
    if (file.getSize() > settings.maxUploadSize().toBytes()) {
      throw ApiException.tooLarge(
          "the upload has "
              + file.getSize()
              + " bytes, more than maxUploadSize "
              + settings.maxUploadSize());
    }
    String datasetName = datasetName(name, file.getOriginalFilename());
    String id = UUID.randomUUID().toString();
    Path zip = root.resolve(".uploads").resolve(id + ".zip");
    Path tmp = root.resolve(".tmp-" + id);
    Path target = root.resolve(id);
    ZipPlan plan = null;
    boolean handedOver = false;
    try {
      Files.createDirectories(zip.getParent());
      file.transferTo(zip);
      plan = ingest.plan(zip);
      boolean inBackground =
          async != null ? async : file.getSize() > settings.syncIngestMaxSize().toBytes();
      DatasetRecord row =
          new DatasetRecord(
              id, datasetName, DatasetState.INGESTING, null, 0, null, 0, clock.instant(), null);
      if (inBackground) {
        ingestingHere.add(id);
        repository.insertIngesting(row, owner, clock.instant());
        ZipPlan planned = plan;
        try {
          background.submit(() -> ingestInBackground(id, planned, zip, tmp, target));
        } catch (RejectedExecutionException e) {
          ingestingHere.remove(id);
          repository.delete(id);
          throw ApiException.busy("the service is shutting down; upload again later");
        }
        handedOver = true;
        return new DatasetService.Upload(DatasetView.of(row), true);
      }
      Files.createDirectories(tmp);
      CacheManifest manifest = ingest.ingest(plan, tmp, p -> {});
      TensorCache.publish(tmp, target);
      DatasetRecord ready =
          new DatasetRecord(
              id,
              datasetName,
              DatasetState.READY,
              null,
              1,
              manifest,
              TensorCache.sizeOnDisk(target),
              row.createdAt(),
              clock.instant());
      repository.insert(ready);
      return new DatasetService.Upload(DatasetView.of(ready), false);
    } catch (IOException e) {
      TensorCache.deleteQuietly(target);
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      TensorCache.deleteQuietly(target);
      throw e;
    } finally {
      if (!handedOver) {
        closeQuietly(plan);
        TensorCache.deleteQuietly(tmp);
        TensorCache.deleteQuietly(zip);
      }
    }
  }

  private void ingestInBackground(String id, ZipPlan plan, Path zip, Path tmp, Path target) {
    long[] lastWrite = {0};
    try {
      Files.createDirectories(tmp);
      CacheManifest manifest =
          ingest.ingest(
              plan,
              tmp,
              p -> {
                long now = System.nanoTime();
                if (now - lastWrite[0] > 1_000_000_000L) {
                  lastWrite[0] = now;
                  repository.updateProgress(id, p);
                }
              });
      TensorCache.publish(tmp, target);
      // temporary files go before the outcome is recorded: a client that sees READY or FAILED
      // finds nothing of the upload left behind
      cleanUp(plan, tmp, zip);
      if (!repository.markReady(id, manifest, TensorCache.sizeOnDisk(target), clock.instant())) {
        // failed meanwhile (e.g. judged abandoned, or deleted): it stays what it is
        log.warn("dataset {} ended before its ingest did; discarding its tensors", id);
        TensorCache.deleteQuietly(target);
      }
    } catch (ApiException e) {
      TensorCache.deleteQuietly(target);
      cleanUp(plan, tmp, zip);
      repository.markFailed(id, e.getMessage(), clock.instant());
    } catch (Exception e) {
      log.error("ingest of dataset {} failed", id, e);
      TensorCache.deleteQuietly(target);
      cleanUp(plan, tmp, zip);
      // the reason is shown to clients: no exception class, no path of this machine
      repository.markFailed(
          id,
          "ingest failed: "
              + SafeText.scrub(String.valueOf(e.getMessage()), SafeText.machinePaths(dataDir)),
          clock.instant());
    } catch (Error e) {
      // record it, then let it go (an OutOfMemoryError must reach ExitOnOutOfMemoryError)
      try {
        repository.markFailed(
            id,
            "ingest failed: "
                + (e instanceof OutOfMemoryError ? "out of memory" : "an internal error"),
            clock.instant());
      } catch (RuntimeException | Error recording) {
        e.addSuppressed(recording);
      }
      throw e;
    } finally {
      ingestingHere.remove(id);
      cleanUp(plan, tmp, zip);
    }
  }

  private static void cleanUp(ZipPlan plan, Path tmp, Path zip) {
    closeQuietly(plan);
    TensorCache.deleteQuietly(tmp);
    TensorCache.deleteQuietly(zip);
  }

  /**
   * The {@code name} field, else the upload's file name without folders and {@code .zip}; any file
   * name works (no path parsing: {@code /} or a NUL is a name, not a 500).
   */
  static String datasetName(String name, String filename) {
    String n;
    if (name == null || name.isBlank()) {
      // taken from the file name, which nobody typed as a name: what a name may not hold is dropped
      n = filename == null ? "" : filename.substring(lastSeparator(filename) + 1);
      n = Names.clean(n.replaceFirst("(?i)\\.zip$", "")).strip();
    } else {
      n = Names.check("name", name).strip();
    }
    if (n.isEmpty()) {
      throw ApiException.invalid(
          "name",
          "no dataset name: send a 'name' field, or a file whose name is not empty ('"
              + (filename == null ? "" : filename)
              + "' names none)");
    }
    if (n.length() > 200) {
      throw ApiException.invalid("name", "must be at most 200 characters");
    }
    return n;
  }

  private static int lastSeparator(String filename) {
    return Math.max(filename.lastIndexOf('/'), filename.lastIndexOf('\\'));
  }

  private static void closeQuietly(ZipPlan plan) {
    if (plan != null) {
      try {
        plan.close();
      } catch (IOException ignored) {
        // the upload file is deleted next anyway
      }
    }
  }

  /** Stops heartbeating and interrupts a background ingest still running. */
  void shutdown() throws InterruptedException {
    heartbeats.shutdownNow();
    background.shutdownNow();
    background.awaitTermination(10, TimeUnit.SECONDS);
  }
}
