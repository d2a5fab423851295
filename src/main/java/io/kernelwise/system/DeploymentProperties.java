package io.kernelwise.system;

import java.nio.file.Path;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How this instance takes part in a deployment: its roles, the store it shares with the others and
 * how many instances the operator runs. A separate record from {@link KernelwiseProperties} (same
 * prefix) so the deployment settings stay in one place.
 *
 * @param dataDir per-instance data: the embedded database and anything local
 * @param sharedDir the store every instance mounts (datasets' tensor caches, checkpoints, models);
 *     empty = the data dir, so one instance is unchanged
 * @param roles {@code api} (HTTP API, inference included) and/or {@code worker} (claims and trains
 *     jobs); both by default
 * @param replicas how many instances the operator runs; above 1 needs a shared database
 */
@ConfigurationProperties("kernelwise")
public record DeploymentProperties(
    @DefaultValue("./kernelwise-data") Path dataDir,
    Path sharedDir,
    @DefaultValue({"api", "worker"}) Set<Role> roles,
    @DefaultValue("1") int replicas) {

  public enum Role {
    API,
    WORKER
  }

  public DeploymentProperties {
    roles = roles == null || roles.isEmpty() ? Set.of(Role.API, Role.WORKER) : Set.copyOf(roles);
  }

  /** The shared store: {@code kernelwise.shared-dir}, else the data dir. */
  public Path sharedStore() {
    return sharedDir != null && !sharedDir.toString().isBlank() ? sharedDir : dataDir;
  }

  /** Where models live: {@code kernelwise.models.store-dir}, else {@code <shared>/models}. */
  public Path modelStore(KernelwiseProperties.Models models) {
    return models != null && models.storeDir() != null
        ? models.storeDir()
        : sharedStore().resolve("models");
  }

  public boolean api() {
    return roles.contains(Role.API);
  }

  public boolean worker() {
    return roles.contains(Role.WORKER);
  }

  /** Several instances (or split roles) share a queue: a local embedded database cannot. */
  public boolean multiInstance() {
    return replicas > 1 || !(api() && worker());
  }
}
