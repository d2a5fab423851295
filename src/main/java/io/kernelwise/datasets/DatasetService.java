package io.kernelwise.datasets;

import io.kernelwise.system.ApiException;
import io.kernelwise.system.DeploymentProperties;
import io.kernelwise.system.InstanceName;
import io.kernelwise.system.KernelwiseProperties;
import io.kernelwise.system.Names;
import io.kernelwise.system.Page;
import io.kernelwise.system.SafeText;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.DependsOn;
import org.springframework.context.event.EventListener;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.web.multipart.MultipartFile;

/**
 * Uploads, built-ins and the tensor cache. An upload is copied to a temporary file, its zip
 * structure checked (400 before anything is stored), then ingested into {@code
 * <dataDir>/datasets/.tmp-<id>/} and moved to {@code <dataDir>/datasets/<id>/} in one step. Small
 * uploads are ingested within the request; large ones (or {@code async=true}) on a single
 * background worker, so two big ingests never compete for the cores.
 */
@Service
@DependsOn("engines") // sets ai.djl.offline before DJL's dataset repository is touched
class DatasetService implements DatasetTensors, DisposableBean {
  private static final Logger log = LoggerFactory.getLogger(DatasetService.class);

  /** The result of an upload: the dataset and whether it is still ingesting. */
  record Upload(DatasetView dataset, boolean accepted) {}

  private final DatasetRepository repository;
  private final KernelwiseProperties.Datasets settings;
  private final Path dataDir;
  private final boolean offline;
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
  private final Map<String, LoadedDataset> loaded;
  private final String owner;
  private final java.time.Duration heartbeat;
  private final Set<String> ingestingHere = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService heartbeats =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "dataset-ingest-heartbeat");
            t.setDaemon(true);
            return t;
          });

  DatasetService(
      DatasetRepository repository,
      KernelwiseProperties properties,
      DeploymentProperties deployment,
      Clock clock) {
    this.repository = repository;
    this.settings = properties.datasets();
    // tensor caches (and built-in sources) live in the shared store: any instance trains any job
    this.dataDir = deployment.sharedStore();
    this.offline = properties.djl().offline();
    this.root = deployment.sharedStore().resolve("datasets");
    this.clock = clock;
    this.owner = InstanceName.of(properties);
    this.heartbeat = properties.training().heartbeatInterval();
    int threads =
        settings.ingestThreads() > 0
            ? settings.ingestThreads()
            : Runtime.getRuntime().availableProcessors();
    this.ingest = new ZipIngest(IngestLimits.of(settings), threads);
    int capacity = Math.max(0, settings.cachedDatasets());
    this.loaded =
        new LinkedHashMap<>(4, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, LoadedDataset> eldest) {
            return size() > capacity;
          }
        };
  }

  /**
   * Ingests cut short by this instance's previous process cannot resume (their upload file is
   * gone): FAILED, with their temporary files. Another live instance's ingests on the same database
   * are left alone; those whose owner stopped heartbeating are failed here and by the heartbeat
   * task from then on.
   */
  @EventListener(ApplicationReadyEvent.class)
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

  Upload upload(MultipartFile file, String name, Boolean async) {
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
        return new Upload(DatasetView.of(row), true);
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
      return new Upload(DatasetView.of(ready), false);
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

  Page<DatasetView> list(int page, int size) {
    long from = Page.offset(page, size);
    List<DatasetView> builtins = new ArrayList<>();
    for (BuiltinDataset b : BuiltinDataset.values()) {
      builtins.add(builtinView(b));
    }
    long total = builtins.size() + repository.count();
    List<DatasetView> items = new ArrayList<>();
    for (long i = from; i < Math.min(from + size, builtins.size()); i++) {
      items.add(builtins.get((int) i));
    }
    if (items.size() < size) {
      int offset = (int) Math.max(0, from - builtins.size());
      repository.findPage(offset, size - items.size()).forEach(r -> items.add(DatasetView.of(r)));
    }
    return new Page<>(items, page, size, total);
  }

  DatasetView get(String id) {
    return BuiltinDataset.byId(id)
        .map(this::builtinView)
        .orElseGet(
            () ->
                DatasetView.of(
                    repository.find(id).orElseThrow(() -> ApiException.notFound("dataset", id))));
  }

  void delete(String id) {
    if (BuiltinDataset.byId(id).isPresent()) {
      throw ApiException.conflict("'" + id + "' is a built-in dataset and cannot be deleted");
    }
    DatasetRecord r = repository.find(id).orElseThrow(() -> ApiException.notFound("dataset", id));
    if (r.state() == DatasetState.INGESTING) {
      throw ApiException.conflict(
          "dataset '" + id + "' is still ingesting; delete it once it is READY or FAILED");
    }
    synchronized (loaded) {
      loaded.remove(id);
    }
    repository.delete(id);
    TensorCache.deleteQuietly(root.resolve(id));
  }

  @Override
  public LoadedDataset load(String id) {
    synchronized (loaded) {
      LoadedDataset cached = loaded.get(id);
      if (cached != null) {
        return cached;
      }
      LoadedDataset fresh =
          BuiltinDataset.byId(id).map(this::loadBuiltin).orElseGet(() -> loadUpload(id));
      loaded.put(id, fresh);
      return fresh;
    }
  }

  /** From the database row (uploads) or the cache manifest (built-ins): no pixels are read. */
  @Override
  public DatasetShape describe(String id) {
    var builtin = BuiltinDataset.byId(id);
    if (builtin.isPresent() && !TensorCache.exists(root.resolve(id))) {
      return DatasetTensors.super.describe(id); // converts it once, or answers why it cannot
    }
    CacheManifest m =
        builtin.isPresent() ? TensorCache.manifest(root.resolve(id)) : readyRecord(id).manifest();
    return new DatasetShape(
        id,
        List.copyOf(m.classes()),
        m.channels(),
        m.height(),
        m.width(),
        m.trainCount(),
        m.hasTest());
  }

  /**
   * A READY dataset's cache directory and manifest, without reading pixels: what {@link
   * DatasetSamples} reads a few images from. A built-in is READY once converted.
   */
  DatasetSamples.Source samplesSource(String id) {
    var builtin = BuiltinDataset.byId(id);
    Path dir = root.resolve(id);
    if (builtin.isPresent()) {
      if (!TensorCache.exists(dir)) {
        throw ApiException.conflict(
            "built-in dataset '" + id + "' is not converted yet (it is on first training)");
      }
      return new DatasetSamples.Source(dir, TensorCache.manifest(dir));
    }
    return new DatasetSamples.Source(dir, readyRecord(id).manifest());
  }

  private LoadedDataset loadUpload(String id) {
    DatasetRecord r = readyRecord(id);
    return read(id, r.name(), root.resolve(id));
  }

  private DatasetRecord readyRecord(String id) {
    DatasetRecord r = repository.find(id).orElseThrow(() -> ApiException.notFound("dataset", id));
    if (r.state() != DatasetState.READY) {
      throw ApiException.conflict(
          "dataset '"
              + id
              + "' is "
              + r.state()
              + (r.reason() != null ? " (" + r.reason() + ")" : "")
              + "; only READY datasets can be used");
    }
    return r;
  }

  private LoadedDataset loadBuiltin(BuiltinDataset b) {
    Path dir = root.resolve(b.id);
    if (!TensorCache.exists(dir)) {
      if (!b.available(dataDir) && !offline) {
        download(b);
      }
      if (!b.available(dataDir)) {
        throw ApiException.conflict(b.missingFilesMessage(dataDir, offline));
      }
      convert(b, dir);
    }
    return read(b.id, b.title, dir);
  }

  /** Online only: a failed download leaves the built-in MISSING, with the 409 saying why. */
  private void download(BuiltinDataset b) {
    try {
      long start = System.nanoTime();
      DjlDownloads.download(b, b.sourceDir(dataDir));
      log.info("downloaded built-in {} in {} ms", b.id, (System.nanoTime() - start) / 1_000_000);
    } catch (IOException | RuntimeException e) {
      log.warn("download of built-in {} through DJL failed: {}", b.id, e.toString());
    }
  }

  /** Converts a built-in's standard files into the tensor cache, once. */
  private void convert(BuiltinDataset b, Path dir) {
    Path tmp = root.resolve(".tmp-" + b.id + "-" + UUID.randomUUID());
    try {
      Files.createDirectories(tmp);
      long start = System.nanoTime();
      b.convert(dataDir, tmp, ingest);
      TensorCache.publish(tmp, dir);
      log.info("converted built-in {} in {} ms", b.id, (System.nanoTime() - start) / 1_000_000);
    } catch (IOException e) {
      throw new ApiException(
          HttpStatus.CONFLICT,
          "Conflict",
          "the files of built-in dataset '"
              + b.id
              + "' in <data-dir>/builtin/"
              + b.id
              + " cannot be read: "
              + SafeText.scrub(e.getMessage(), SafeText.machinePaths(dataDir)));
    } finally {
      TensorCache.deleteQuietly(tmp);
    }
  }

  private static LoadedDataset read(String id, String name, Path dir) {
    try {
      CacheManifest m = TensorCache.manifest(dir);
      ImageSplit train = TensorCache.readSplit(dir, "train", m.trainCount(), m.imageBytes());
      ImageSplit test =
          m.hasTest() ? TensorCache.readSplit(dir, "test", m.testCount(), m.imageBytes()) : null;
      return new LoadedDataset(
          id,
          name,
          List.copyOf(m.classes()),
          m.channels(),
          m.height(),
          m.width(),
          m.mean(),
          m.std(),
          train,
          test);
    } catch (IOException | UncheckedIOException e) {
      throw new ApiException(
          HttpStatus.CONFLICT,
          "Conflict",
          "the tensor cache of dataset '"
              + id
              + "' is unreadable ("
              + e.getMessage()
              + "); delete it and upload again");
    }
  }

  private DatasetView builtinView(BuiltinDataset b) {
    Path dir = root.resolve(b.id);
    if (TensorCache.exists(dir)) {
      return DatasetView.builtin(
          b, DatasetState.READY, null, TensorCache.manifest(dir), TensorCache.sizeOnDisk(dir));
    }
    if (b.available(dataDir) || !offline) {
      // online, a missing built-in is downloaded through DJL on first use
      return DatasetView.builtin(b, DatasetState.AVAILABLE, null, null, 0);
    }
    return DatasetView.builtin(
        b, DatasetState.MISSING, b.missingFilesMessage(dataDir, offline), null, 0);
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

  @Override
  public void destroy() throws InterruptedException {
    heartbeats.shutdownNow();
    background.shutdownNow();
    background.awaitTermination(10, TimeUnit.SECONDS);
  }
}
