package io.kernelwise.inference;

import ai.djl.Device;
import ai.djl.Model;
import io.kernelwise.models.DefaultModelRegistry;
import io.kernelwise.models.InvalidModelException;
import io.kernelwise.models.ModelDeleted;
import io.kernelwise.models.ModelLoader;
import io.kernelwise.network.Engines;
import io.kernelwise.system.ApiException;
import io.kernelwise.system.KernelwiseProperties;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PreDestroy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The loaded models: an LRU cache of at most {@code maxLoadedModels}, each model loaded once even
 * when many requests ask for it at the same moment, warmed up (a dummy batch per load) and unloaded
 * when evicted or deleted. Only a cache: the model store and the database stay the truth.
 */
@Component
class ServedModels {
  private static final Logger log = LoggerFactory.getLogger(ServedModels.class);

  private final DefaultModelRegistry registry;
  private final ModelLoader loader;
  private final Engines engines;
  private final MeterRegistry meters;
  private final KernelwiseProperties.Inference config;
  private final ServedModel.Settings settings;
  private final LinkedHashMap<String, CompletableFuture<ServedModel>> loaded =
      new LinkedHashMap<>(16, 0.75f, true);

  ServedModels(
      DefaultModelRegistry registry,
      ModelLoader loader,
      Engines engines,
      MeterRegistry meters,
      KernelwiseProperties properties) {
    this.registry = registry;
    this.loader = loader;
    this.engines = engines;
    this.meters = meters;
    this.config = properties.inference();
    this.settings =
        new ServedModel.Settings(
            Math.max(1, config.workersPerModel()),
            config.batching(),
            Math.max(1, config.maxBatchSize()),
            config.maxBatchDelay().toNanos(),
            Math.max(1, config.queueCapacity()),
            Math.max(1, config.intraOpThreads()));
    Gauge.builder("kernelwise.models.loaded", this, ServedModels::count)
        .description("models loaded for inference on this replica")
        .register(meters);
  }

  /** The served model, loading it on first use. */
  ServedModel get(String id) {
    CompletableFuture<ServedModel> future;
    boolean load = false;
    List<CompletableFuture<ServedModel>> evicted = new ArrayList<>();
    synchronized (loaded) {
      future = loaded.get(id);
      if (future == null) {
        future = new CompletableFuture<>();
        loaded.put(id, future);
        load = true;
        Iterator<Map.Entry<String, CompletableFuture<ServedModel>>> it =
            loaded.entrySet().iterator();
        while (loaded.size() > Math.max(1, config.maxLoadedModels()) && it.hasNext()) {
          var eldest = it.next();
          if (!eldest.getKey().equals(id)) {
            evicted.add(eldest.getValue());
            it.remove();
          }
        }
      }
    }
    evicted.forEach(f -> f.thenAccept(this::close));
    if (load) {
      try {
        future.complete(load(id));
      } catch (RuntimeException e) {
        synchronized (loaded) {
          loaded.remove(id, future);
        }
        future.completeExceptionally(e);
      }
    }
    try {
      return future.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  /** Forgets a model (e.g. deleted); in-flight requests finish, then its predictors close. */
  void unload(String id) {
    CompletableFuture<ServedModel> future;
    synchronized (loaded) {
      future = loaded.remove(id);
    }
    if (future != null) {
      future.thenAccept(this::close);
    }
  }

  /** Closes an unloaded model and removes its meters, unless it was loaded again meanwhile. */
  private void close(ServedModel model) {
    model.close();
    synchronized (loaded) {
      if (loaded.containsKey(model.id)) {
        return; // a new load shares the same meters (same name and tags)
      }
      List<Meter> owned =
          meters.getMeters().stream()
              .filter(m -> model.id.equals(m.getId().getTag("model")))
              .toList();
      owned.forEach(meters::remove);
    }
  }

  /** Drops the entry only if it still holds this instance (a retry after an unload race). */
  void forget(ServedModel model) {
    synchronized (loaded) {
      CompletableFuture<ServedModel> f = loaded.get(model.id);
      if (f != null && f.isDone() && !f.isCompletedExceptionally() && f.join() == model) {
        loaded.remove(model.id);
      }
    }
  }

  @EventListener
  void onDeleted(ModelDeleted event) {
    unload(event.modelId());
  }

  int count() {
    synchronized (loaded) {
      return (int)
          loaded.values().stream().filter(f -> f.isDone() && !f.isCompletedExceptionally()).count();
    }
  }

  @PreDestroy
  void closeAll() {
    List<CompletableFuture<ServedModel>> all;
    synchronized (loaded) {
      all = new ArrayList<>(loaded.values());
      loaded.clear();
    }
    all.forEach(f -> f.thenAccept(this::close));
  }

  private ServedModel load(String id) {
    long start = System.nanoTime();
    Path dir = registry.files(id);
    ModelLoader.Description description;
    Model model;
    Device device = engines.resolve(config.device(), "kernelwise.inference.device");
    try {
      description = loader.describe(dir);
      int channels = description.spec().input().channels();
      if (channels != 1 && channels != 3) {
        throw new InvalidModelException(
            "spec.json", "images can be served to 1- or 3-channel models, not " + channels);
      }
      model = loader.load(dir, description, device); // includes a warm-up forward pass
    } catch (InvalidModelException e) {
      throw ApiException.conflict(
          "model '" + id + "' cannot be served: " + e.file() + " " + e.getMessage());
    }
    var input = description.spec().input();
    ServingInfo info =
        new ServingInfo(
            description.labels(),
            input.channels(),
            input.height(),
            input.width(),
            description.normalization().mean(),
            description.normalization().std());
    Timer forward =
        Timer.builder("kernelwise.inference.forward.seconds")
            .description("one forward pass (a whole batch) inside the service")
            .tag("model", id)
            .publishPercentiles(0.5, 0.99)
            .register(meters);
    DistributionSummary batchSizes =
        DistributionSummary.builder("kernelwise.inference.batch.size")
            .description("images per forward pass")
            .tag("model", id)
            .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128)
            .register(meters);
    Timer requests =
        Timer.builder("kernelwise.inference.seconds")
            .description("a predict request inside the service: decode, queue, forward, top-k")
            .tag("model", id)
            .publishPercentileHistogram()
            .serviceLevelObjectives(
                Duration.ofMillis(1),
                Duration.ofMillis(2),
                Duration.ofMillis(3),
                Duration.ofMillis(5),
                Duration.ofMillis(10),
                Duration.ofMillis(25),
                Duration.ofMillis(50),
                Duration.ofMillis(100))
            .minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofSeconds(10))
            .register(meters);
    ServedModel served = new ServedModel(id, info, model, settings, forward, requests, batchSizes);
    log.info(
        "model {} loaded on {} in {} ms ({} workers, batching {})",
        id,
        device,
        Duration.ofNanos(System.nanoTime() - start).toMillis(),
        settings.workers(),
        settings.batching());
    return served;
  }
}
