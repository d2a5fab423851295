package io.kernelwise.models;

import ai.djl.Device;
import ai.djl.Model;
import io.kernelwise.system.ApiException;
import io.kernelwise.system.KernelwiseProperties;
import io.kernelwise.system.Page;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectMapper;

/**
 * The model registry: files in the {@link ModelStore}, one row per model in the database. Files are
 * always in place before the row is inserted and the row is deleted before the files, so a replica
 * that sees a row finds the files (or, on a slow shared volume, says so clearly).
 */
@Service
public class DefaultModelRegistry implements ModelRegistry {
  private final ModelRepository repository;
  private final ModelStore store;
  private final ModelLoader loader;
  private final ObjectMapper json;
  private final Clock clock;
  private final ApplicationEventPublisher events;
  private final KernelwiseProperties.Models limits;

  DefaultModelRegistry(
      ModelRepository repository,
      ModelStore store,
      ModelLoader loader,
      ObjectMapper json,
      Clock clock,
      ApplicationEventPublisher events,
      KernelwiseProperties properties) {
    this.repository = repository;
    this.store = store;
    this.loader = loader;
    this.json = json;
    this.clock = clock;
    this.events = events;
    this.limits = properties.models();
  }

  @Override
  public String register(NewModel model) {
    validate(model);
    String id = newId();
    Instant now = clock.instant();
    Path staging = store.stage();
    try {
      Files.copy(model.parameters(), staging.resolve(ModelFiles.PARAMETERS));
      Files.writeString(staging.resolve(ModelFiles.SPEC), model.specJson());
      Files.writeString(
          staging.resolve(ModelFiles.LABELS), json.writeValueAsString(model.classes()));
      var normalization = new ModelRecord.Normalization(model.mean(), model.std());
      Files.writeString(
          staging.resolve(ModelFiles.NORMALIZATION), json.writeValueAsString(normalization));
      ModelManifest manifest =
          new ModelManifest(
              ModelFiles.FORMAT_VERSION,
              now,
              id,
              model.name(),
              model.architectureId(),
              model.datasetId(),
              model.jobId(),
              new ModelManifest.Input(model.channels(), model.height(), model.width()),
              model.classes().size(),
              model.metrics() == null ? Map.of() : model.metrics(),
              checksums(staging),
              model.precision());
      writeManifest(staging, manifest);
      return store(staging, manifest, model.classes(), normalization, now);
    } catch (IOException e) {
      store.discard(staging);
      throw new UncheckedIOException("cannot write model " + id + " to the store", e);
    } catch (RuntimeException e) {
      store.discard(staging);
      throw e;
    }
  }

  public Page<ModelRecord> list(int page, int size) {
    Page.offset(page, size);
    return new Page<>(repository.page(page, size), page, size, repository.count());
  }

  public Optional<ModelRecord> find(String id) {
    return repository.find(id);
  }

  public boolean exists(String id) {
    return repository.exists(id);
  }

  /** The models named {@code name}, i.e. its versions, version 1 first. */
  public List<ModelRecord> versions(String name) {
    return repository.byName(name);
  }

  public ModelRecord get(String id) {
    return repository.find(id).orElseThrow(() -> ApiException.notFound("model", id));
  }

  /** The model's files; a 503 when the row is visible but the shared store does not show them. */
  public Path files(String id) {
    if (!store.isComplete(id)) {
      throw ApiException.busy(
          "model '"
              + id
              + "' is registered but its files are not (yet) visible in the model store "
              + store.root()
              + " of this replica; retry shortly");
    }
    return store.directory(id);
  }

  @Override
  public void discard(String id) {
    if (repository.delete(id)) {
      events.publishEvent(new ModelDeleted(id));
    }
    store.delete(id);
  }

  public void delete(String id) {
    if (!repository.delete(id)) {
      throw ApiException.notFound("model", id);
    }
    events.publishEvent(new ModelDeleted(id));
    store.delete(id);
  }

  public void exportArtifact(String id, OutputStream out) throws IOException {
    ModelArtifacts.write(files(id), out);
  }

  /**
   * Imports an artifact zip: unpacked into staging, manifest and checksums checked, the network
   * rebuilt and a dummy batch run; only then moved into the store under a new id.
   */
  public ModelRecord importArtifact(InputStream zip) {
    Path staging = store.stage();
    try {
      ModelArtifacts.unpack(
          zip, staging, limits.maxArtifactSize().toBytes(), limits.maxArtifactEntries());
      ModelManifest manifest = readManifest(staging);
      verifyChecksums(staging, manifest);
      ModelLoader.Description description;
      try {
        description = loader.describe(staging, true);
        try (Model ignored = loader.load(staging, description, Device.cpu())) {
          // loaded and a dummy batch forwarded: the artifact works
        }
      } catch (InvalidModelException e) {
        throw ApiException.invalid("file/" + e.file(), e.getMessage());
      }
      var input = description.spec().input();
      if (manifest.input() != null
          && !manifest
              .input()
              .equals(new ModelManifest.Input(input.channels(), input.height(), input.width()))) {
        throw ApiException.invalid(
            "file/" + ModelFiles.MANIFEST, "input does not match the input of spec.json");
      }
      String id = newId();
      ModelManifest stored = manifest.withModelId(id);
      writeManifest(staging, stored);
      String storedId =
          store(
              staging, stored, description.labels(), description.normalization(), clock.instant());
      return get(storedId);
    } catch (RuntimeException e) {
      store.discard(staging);
      throw e;
    }
  }

  private String store(
      Path staging,
      ModelManifest manifest,
      List<String> classes,
      ModelRecord.Normalization normalization,
      Instant createdAt) {
    String id = manifest.modelId();
    long bytes =
        ModelFiles.ALL.stream().mapToLong(f -> ModelStore.sizeOf(staging.resolve(f))).sum();
    store.commit(staging, id);
    try {
      repository.insert(
          new ModelRecord(
              id,
              manifest.name() == null ? id : manifest.name(),
              manifest.architectureId(),
              manifest.datasetId(),
              manifest.jobId(),
              classes,
              manifest.input().channels(),
              manifest.input().height(),
              manifest.input().width(),
              normalization,
              manifest.metrics() == null ? Map.of() : manifest.metrics(),
              bytes,
              createdAt,
              0)); // the repository numbers the version
    } catch (RuntimeException e) {
      store.delete(id);
      throw e;
    }
    return id;
  }

  private ModelManifest readManifest(Path staging) {
    ModelManifest manifest;
    try {
      manifest = json.readValue(staging.resolve(ModelFiles.MANIFEST).toFile(), ModelManifest.class);
    } catch (JacksonException e) {
      throw ApiException.invalid("file/" + ModelFiles.MANIFEST, "is not a valid manifest");
    }
    if (manifest.formatVersion() != ModelFiles.FORMAT_VERSION) {
      throw ApiException.invalid(
          "file/" + ModelFiles.MANIFEST,
          "formatVersion "
              + manifest.formatVersion()
              + " is not supported (this service reads "
              + ModelFiles.FORMAT_VERSION
              + ")");
    }
    if (manifest.files() == null || manifest.input() == null) {
      throw ApiException.invalid("file/" + ModelFiles.MANIFEST, "lacks files or input");
    }
    return manifest;
  }

  private static void verifyChecksums(Path staging, ModelManifest manifest) {
    for (String name : ModelFiles.CHECKSUMMED) {
      ModelManifest.FileEntry entry = manifest.files().get(name);
      if (entry == null || entry.sha256() == null) {
        throw ApiException.invalid("file/" + ModelFiles.MANIFEST, "has no checksum for " + name);
      }
      Path file = staging.resolve(name);
      if (ModelStore.sizeOf(file) != entry.bytes()
          || !ModelStore.sha256(file).equalsIgnoreCase(entry.sha256())) {
        throw ApiException.invalid(
            "file/" + name, "does not match its SHA-256 in the manifest (tampered or truncated)");
      }
    }
  }

  private static Map<String, ModelManifest.FileEntry> checksums(Path dir) {
    Map<String, ModelManifest.FileEntry> files = new LinkedHashMap<>();
    for (String name : ModelFiles.CHECKSUMMED) {
      Path file = dir.resolve(name);
      files.put(
          name, new ModelManifest.FileEntry(ModelStore.sha256(file), ModelStore.sizeOf(file)));
    }
    return files;
  }

  private void writeManifest(Path dir, ModelManifest manifest) {
    try {
      Path tmp = dir.resolve(ModelFiles.MANIFEST + ".tmp");
      Files.writeString(tmp, json.writerWithDefaultPrettyPrinter().writeValueAsString(manifest));
      Files.move(tmp, dir.resolve(ModelFiles.MANIFEST), StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void validate(NewModel m) {
    if (m.classes() == null || m.classes().isEmpty()) {
      throw new IllegalArgumentException("a model needs its class names");
    }
    if (m.mean() == null
        || m.std() == null
        || m.mean().length != m.channels()
        || m.std().length != m.channels()) {
      throw new IllegalArgumentException("mean and std need one value per channel");
    }
    if (m.parameters() == null || !Files.isRegularFile(m.parameters())) {
      throw new IllegalArgumentException("parameters file " + m.parameters() + " does not exist");
    }
    if (m.specJson() == null || m.specJson().isBlank()) {
      throw new IllegalArgumentException("a model needs its spec JSON");
    }
  }

  private static String newId() {
    return "m-" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
  }
}
