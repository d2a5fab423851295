package io.kernelwise.datasets;

import io.kernelwise.system.ApiException;
import io.kernelwise.system.DeploymentProperties;
import io.kernelwise.system.KernelwiseProperties;
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
import java.util.UUID;
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
 * Datasets as the API and training read them: uploads (ingested by {@link DatasetUploads}),
 * built-ins, converted once from their standard files, and the tensor cache, with the last few
 * loaded datasets kept in memory.
 */
@Service
@DependsOn("engines") // sets ai.djl.offline before DJL's dataset repository is touched
class DatasetService implements DatasetTensors, DisposableBean {
  private static final Logger log = LoggerFactory.getLogger(DatasetService.class);

  /** The result of an upload: the dataset and whether it is still ingesting. */
  record Upload(DatasetView dataset, boolean accepted) {}

  private final DatasetRepository repository;
  private final Path dataDir;
  private final boolean offline;
  private final Path root;
  private final ZipIngest ingest;
  private final DatasetUploads uploads;
  private final Map<String, LoadedDataset> loaded;

  DatasetService(
      DatasetRepository repository,
      KernelwiseProperties properties,
      DeploymentProperties deployment,
      Clock clock) {
    this.repository = repository;
    KernelwiseProperties.Datasets settings = properties.datasets();
    // tensor caches (and built-in sources) live in the shared store: any instance trains any job
    this.dataDir = deployment.sharedStore();
    this.offline = properties.djl().offline();
    this.root = deployment.sharedStore().resolve("datasets");
    int threads =
        settings.ingestThreads() > 0
            ? settings.ingestThreads()
            : Runtime.getRuntime().availableProcessors();
    this.ingest = new ZipIngest(IngestLimits.of(settings), threads);
    this.uploads = new DatasetUploads(repository, properties, dataDir, ingest, clock);
    int capacity = Math.max(0, settings.cachedDatasets());
    this.loaded =
        new LinkedHashMap<>(4, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, LoadedDataset> eldest) {
            return size() > capacity;
          }
        };
  }

  /** See {@link DatasetUploads#recoverAfterRestart}. */
  @EventListener(ApplicationReadyEvent.class)
  void recoverAfterRestart() throws IOException {
    uploads.recoverAfterRestart();
  }

  Upload upload(MultipartFile file, String name, Boolean async) {
    return uploads.upload(file, name, async);
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

  @Override
  public void destroy() throws InterruptedException {
    uploads.shutdown();
  }
}
