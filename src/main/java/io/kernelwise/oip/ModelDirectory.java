package io.kernelwise.oip;

import io.kernelwise.models.DefaultModelRegistry;
import io.kernelwise.models.ModelDeleted;
import io.kernelwise.models.ModelRecord;
import io.kernelwise.system.ApiException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Resolves the protocol's {@code {model}[/versions/{version}]} to a stored model. {@code {model}}
 * is a model id (it wins if a name happens to equal an id) or a model name; the models sharing a
 * name are its versions 1, 2, ... (registration order, never reused), and the name without a
 * version means its latest version. Answers are cached for a second, so an infer request does not
 * pay a database query; a deletion on this replica drops the cache at once.
 */
@Component
class ModelDirectory {
  private static final long TTL_NANOS = 1_000_000_000L;

  private final DefaultModelRegistry registry;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  ModelDirectory(DefaultModelRegistry registry) {
    this.registry = registry;
  }

  /**
   * @param name as addressed in the URL (echoed as {@code model_name})
   * @param model the model served
   * @param versions the versions {@code name} offers: all of a name's, or the id's own one
   */
  record Resolved(String name, ModelRecord model, List<String> versions) {
    String version() {
      return String.valueOf(model.version());
    }
  }

  private record Cached(Resolved resolved, long at) {}

  Resolved resolve(String name, String version) {
    String key = version == null ? name : name + "\u0000" + version;
    long now = System.nanoTime();
    Cached hit = cache.get(key);
    if (hit != null && now - hit.at() < TTL_NANOS) {
      return hit.resolved();
    }
    Resolved resolved = lookUp(name, version);
    if (cache.size() > 10_000) {
      cache.clear(); // many distinct names: keep the cache bounded
    }
    cache.put(key, new Cached(resolved, now));
    return resolved;
  }

  private Resolved lookUp(String name, String version) {
    Optional<ModelRecord> byId = registry.find(name);
    List<ModelRecord> candidates = byId.map(List::of).orElseGet(() -> registry.versions(name));
    if (candidates.isEmpty()) {
      throw ApiException.notFound("model", name);
    }
    List<String> versions = candidates.stream().map(m -> String.valueOf(m.version())).toList();
    if (version == null) {
      return new Resolved(name, candidates.get(candidates.size() - 1), versions);
    }
    return candidates.stream()
        .filter(m -> String.valueOf(m.version()).equals(version))
        .findFirst()
        .map(m -> new Resolved(name, m, versions))
        .orElseThrow(
            () ->
                new ApiException(
                    org.springframework.http.HttpStatus.NOT_FOUND,
                    "Not found",
                    "model '"
                        + name
                        + "' has no version '"
                        + version
                        + "' (versions: "
                        + versions.stream().collect(Collectors.joining(", "))
                        + ")"));
  }

  @EventListener
  void onDeleted(ModelDeleted event) {
    cache.clear();
  }
}
