package io.kernelwise.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The Helm chart, linted and rendered by the real helm (helm-java bundles it): the objects each
 * value set produces, and the values the schema or the templates refuse.
 */
class HelmChartTest {
  static final Path CHART = Path.of("helm/kernelwise");

  /** helm lint --strict on the chart with its default values (lint takes no --set). */
  @Test
  void lintsStrict() {
    LintResult lint = new Helm(CHART).lint().strict().call();
    assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
  }

  @Test
  void distributedByDefaultApiAndWorkersOnBundledPostgres() {
    Rendered r = render(t -> t);
    Map<String, Object> api = r.one("Deployment", "kw-kernelwise-api");
    Map<String, Object> worker = r.one("StatefulSet", "kw-kernelwise-worker");
    assertThat(r.kinds())
        .contains("HorizontalPodAutoscaler", "PersistentVolumeClaim", "ConfigMap")
        .doesNotContain("Ingress", "ServiceMonitor", "NetworkPolicy");
    assertThat(env(api, "KERNELWISE_ROLES")).containsEntry("value", "api");
    assertThat(env(worker, "KERNELWISE_ROLES")).containsEntry("value", "worker");
    assertThat(get(api, "spec.replicas")).as("the HPA owns the API's replicas").isNull();
    assertThat(get(worker, "spec.replicas")).isEqualTo(2);
    assertThat(
            get(r.one("HorizontalPodAutoscaler", "kw-kernelwise-api"), "spec.scaleTargetRef.name"))
        .isEqualTo("kw-kernelwise-api");

    // the StatefulSet's serviceName is a headless Service
    Map<String, Object> headless = r.one("Service", (String) get(worker, "spec.serviceName"));
    assertThat(get(headless, "spec.clusterIP")).isEqualTo("None");

    // shared RWX claim on every pod at /shared; per-pod data is disposable
    assertThat(get(r.one("PersistentVolumeClaim", "kw-kernelwise-shared"), "spec.accessModes"))
        .isEqualTo(List.of("ReadWriteMany"));
    for (Map<String, Object> w : List.of(api, worker)) {
      assertThat(mounts(w)).containsEntry("/shared", "shared").containsEntry("/tmp", "tmp");
      assertThat(volume(w, "shared")).containsKey("persistentVolumeClaim");
      assertThat(volume(w, "data")).containsKey("emptyDir");
      assertRestricted(w);
      assertProbes(w);
      assertThat(get(w, "spec.template.metadata.annotations"))
          .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
          .containsKeys("checksum/config", "checksum/secret");
      // the bootstrap admin key and the database password come from Secrets, never plain values
      assertThat(get(env(w, "KERNELWISE_SECURITY_ADMIN_KEY"), "valueFrom.secretKeyRef"))
          .isEqualTo(Map.of("name", "kw-kernelwise-admin-key", "key", "admin-key"));
      assertThat(get(env(w, "SPRING_DATASOURCE_PASSWORD"), "valueFrom.secretKeyRef"))
          .isEqualTo(Map.of("name", "kw-kernelwise-db", "key", "password"));
    }
    assertThat(r.text()).doesNotContain("nvidia.com/gpu");
    Map<String, Object> config = r.one("ConfigMap", "kw-kernelwise");
    assertThat(get(config, "data.SPRING_DATASOURCE_URL"))
        .isEqualTo("jdbc:postgresql://kw-kernelwise-postgresql:5432/kernelwise");
    assertThat(get(config, "data.KERNELWISE_SHARED_DIR")).isEqualTo("/shared");
    assertThat(get(config, "data.KERNELWISE_REPLICAS")).isEqualTo("8");
    Map<String, Object> pg = r.one("StatefulSet", "kw-kernelwise-postgresql");
    assertThat(get(env(pg, "POSTGRES_PASSWORD"), "valueFrom.secretKeyRef.name"))
        .isEqualTo("kw-kernelwise-db");
    assertThat(get(r.one("Service", (String) get(pg, "spec.serviceName")), "spec.clusterIP"))
        .isEqualTo("None");
    // generated Secrets are pre-install hooks (made once, kept on upgrade), not release objects
    assertThat(r.names("Secret")).isEmpty();
  }

  @Test
  void givenSecretsAreRenderedAndAChangeRollsThePods() {
    String key = "k".repeat(40);
    Rendered r =
        render(t -> t.set("database.password", "pw-1").set("security.adminKey.value", key));
    assertThat(get(r.one("Secret", "kw-kernelwise-db"), "data.password"))
        .isEqualTo(java.util.Base64.getEncoder().encodeToString("pw-1".getBytes()));
    assertThat(get(r.one("Secret", "kw-kernelwise-admin-key"), "data.admin-key"))
        .isEqualTo(java.util.Base64.getEncoder().encodeToString(key.getBytes()));
    Rendered changed =
        render(t -> t.set("database.password", "pw-2").set("security.adminKey.value", key));
    for (String name : List.of("kw-kernelwise-worker", "kw-kernelwise-postgresql")) {
      assertThat(
              get(
                  changed.one("StatefulSet", name),
                  "spec.template.metadata.annotations.checksum/secret"))
          .as(name + " restarts when the password changes")
          .isNotEqualTo(
              get(
                  r.one("StatefulSet", name),
                  "spec.template.metadata.annotations.checksum/secret"));
    }
    assertThat(
            get(
                render(t -> t.set("worker.trainingThreads", 3))
                    .one("Deployment", "kw-kernelwise-api"),
                "spec.template.metadata.annotations.checksum/config"))
        .as("a ConfigMap change rolls the pods")
        .isNotEqualTo(
            get(
                r.one("Deployment", "kw-kernelwise-api"),
                "spec.template.metadata.annotations.checksum/config"));
  }

  @Test
  void gpuRequestsOnlyOnWorkersAndOnlyWhenAsked() {
    Rendered r =
        render(
            t ->
                t.set("worker.gpu.enabled", true)
                    .set("worker.gpu.count", 2)
                    .set("worker.nodeSelector.accelerator", "a100")
                    .set("worker.tolerations[0].key", "nvidia.com/gpu")
                    .set("worker.tolerations[0].operator", "Exists")
                    .set("worker.tolerations[0].effect", "NoSchedule"));
    Map<String, Object> worker = r.one("StatefulSet", "kw-kernelwise-worker");
    Map<String, Object> api = r.one("Deployment", "kw-kernelwise-api");
    Map<String, Object> res =
        container(worker).get("resources") instanceof Map<?, ?> m ? cast(m) : null;
    assertThat(get(res, "limits"))
        .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
        .containsEntry("nvidia.com/gpu", 2)
        .containsEntry("memory", "8Gi");
    assertThat(get(res, "requests"))
        .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
        .containsEntry("nvidia.com/gpu", 2);
    assertThat(get(worker, "spec.template.spec.nodeSelector"))
        .isEqualTo(Map.of("accelerator", "a100"));
    assertThat(get(worker, "spec.template.spec.tolerations")).asList().hasSize(1);
    assertThat(yaml(api)).doesNotContain("nvidia.com/gpu", "accelerator");
    assertThat(get(api, "spec.template.spec.nodeSelector")).isNull();
  }

  @Test
  void externalDatabaseAndExistingSecrets() {
    Rendered r =
        render(
            t ->
                t.set("postgresql.enabled", false)
                    .set("database.url", "jdbc:postgresql://db.example:5432/kw")
                    .set("database.existingSecret", "kw-db")
                    .set("database.passwordKey", "pw")
                    .set("security.adminKey.existingSecret", "kw-admin")
                    .set("security.adminKey.secretKey", "token"));
    assertThat(r.names("StatefulSet")).containsExactly("kw-kernelwise-worker");
    assertThat(r.names("Secret")).as("nothing to make: both Secrets are the user's").isEmpty();
    Map<String, Object> worker = r.one("StatefulSet", "kw-kernelwise-worker");
    assertThat(get(env(worker, "SPRING_DATASOURCE_PASSWORD"), "valueFrom.secretKeyRef"))
        .isEqualTo(Map.of("name", "kw-db", "key", "pw"));
    assertThat(get(env(worker, "KERNELWISE_SECURITY_ADMIN_KEY"), "valueFrom.secretKeyRef"))
        .isEqualTo(Map.of("name", "kw-admin", "key", "token"));
    assertThat(get(r.one("ConfigMap", "kw-kernelwise"), "data.SPRING_DATASOURCE_URL"))
        .isEqualTo("jdbc:postgresql://db.example:5432/kw");
  }

  @Test
  void singleModeIsOnePodWithBothRolesOnAReadWriteOnceVolume() {
    Rendered r =
        render(
            t ->
                t.set("mode", "single")
                    .set("postgresql.enabled", false)
                    .set("single.gpu.enabled", true));
    assertThat(r.names("Deployment")).isEmpty();
    assertThat(r.kinds()).doesNotContain("HorizontalPodAutoscaler");
    Map<String, Object> one = r.one("StatefulSet", "kw-kernelwise");
    assertThat(get(one, "spec.replicas")).isEqualTo(1);
    assertThat(env(one, "KERNELWISE_ROLES")).containsEntry("value", "api,worker");
    assertThat(get(r.one("PersistentVolumeClaim", "kw-kernelwise-shared"), "spec.accessModes"))
        .isEqualTo(List.of("ReadWriteOnce"));
    assertThat(get(r.one("Service", (String) get(one, "spec.serviceName")), "spec.clusterIP"))
        .isEqualTo("None");
    Map<String, Object> config = r.one("ConfigMap", "kw-kernelwise");
    assertThat(get(config, "data"))
        .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
        .doesNotContainKey("SPRING_DATASOURCE_URL")
        .containsEntry("KERNELWISE_REPLICAS", "1");
    assertThat(env(one, "SPRING_DATASOURCE_PASSWORD")).isEmpty();
    assertThat(get(container(one), "resources.limits"))
        .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
        .containsEntry("nvidia.com/gpu", 1);
    assertRestricted(one);
    assertThat(get(r.one("Service", "kw-kernelwise"), "spec.selector"))
        .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
        .containsEntry("app.kubernetes.io/component", "single");
  }

  @Test
  void optionalIngressServiceMonitorWithReleaseLabelAndNetworkPolicies() {
    Rendered r =
        render(
            t ->
                t.set("ingress.enabled", true)
                    .set("ingress.className", "nginx")
                    .set("ingress.hosts[0].host", "kw.example.com")
                    .set("serviceMonitor.enabled", true)
                    .set("serviceMonitor.labels.release", "prometheus")
                    .set("networkPolicy.enabled", true)
                    .set(
                        "networkPolicy.metricsFrom[0].namespaceSelector.matchLabels.name",
                        "monitoring"));
    Map<String, Object> ingress = r.one("Ingress", "kw-kernelwise");
    assertThat(get(ingress, "spec.ingressClassName")).isEqualTo("nginx");
    assertThat(yaml(ingress)).contains("kw.example.com");
    Map<String, Object> sm = r.one("ServiceMonitor", "kw-kernelwise");
    assertThat(get(sm, "metadata.labels.release")).isEqualTo("prometheus");
    assertThat(yaml(sm)).contains("/actuator/prometheus");
    assertThat(r.names("NetworkPolicy"))
        .containsExactlyInAnyOrder(
            "kw-kernelwise-api", "kw-kernelwise-worker", "kw-kernelwise-postgresql");
    assertThat(yaml(r.one("NetworkPolicy", "kw-kernelwise-worker"))).contains("monitoring");
  }

  @Test
  void refusesADistributedReleaseWithoutASharedDatabaseOrRwxStore() {
    assertThatThrownBy(() -> render(t -> t.set("postgresql.enabled", false)))
        .hasMessageContaining("needs a shared database");
    assertThatThrownBy(() -> render(t -> t.set("shared.accessMode", "ReadWriteOnce")))
        .hasMessageContaining("ReadWriteMany");
    assertThatThrownBy(() -> render(t -> t.set("database.url", "jdbc:postgresql://x/kw")))
        .hasMessageContaining("not both");
  }

  @Test
  void schemaRejectsBadValues() {
    assertThatThrownBy(() -> render(t -> t.set("mode", "cluster"))).hasMessageContaining("mode");
    assertThatThrownBy(() -> render(t -> t.set("worker.gpu.count", 0)))
        .hasMessageContaining("count");
    assertThatThrownBy(() -> render(t -> t.set("worker.replicas", -1)))
        .hasMessageContaining("replicas");
    assertThatThrownBy(
            () ->
                render(
                    t -> t.set("postgresql.enabled", false).set("database.url", "mysql://db/kw")))
        .hasMessageContaining("url");
    assertThatThrownBy(() -> render(t -> t.set("security.adminKey.value", "short")))
        .hasMessageContaining("value");
    assertThatThrownBy(() -> render(t -> t.set("replicaCount", 3)))
        .as("an unknown value is a typo, not silently ignored")
        .hasMessageContaining("replicaCount");
    assertThatThrownBy(() -> render(t -> t.set("probes.timeoutSeconds", 0)))
        .hasMessageContaining("timeoutSeconds");
  }

  // --- rendering and reading objects

  interface TemplateLike {
    TemplateLike set(String key, Object value);
  }

  private static Rendered render(UnaryOperator<TemplateLike> values) {
    TemplateCommand cmd = new Helm(CHART).template().withName("kw").withNamespace("ml");
    TemplateLike t =
        new TemplateLike() {
          @Override
          public TemplateLike set(String key, Object value) {
            cmd.set(key, value);
            return this;
          }
        };
    values.apply(t);
    return new Rendered(cmd.call());
  }

  record Rendered(String text, List<Map<String, Object>> objects) {
    Rendered(String text) {
      this(text, parse(text));
    }

    static List<Map<String, Object>> parse(String text) {
      List<Map<String, Object>> out = new ArrayList<>();
      for (Object doc : new Yaml().loadAll(text)) {
        if (doc instanceof Map<?, ?> m) {
          out.add(cast(m));
        }
      }
      return out;
    }

    List<String> kinds() {
      return objects.stream().map(o -> (String) o.get("kind")).toList();
    }

    List<String> names(String kind) {
      return objects.stream()
          .filter(o -> kind.equals(o.get("kind")))
          .map(o -> (String) get(o, "metadata.name"))
          .toList();
    }

    Map<String, Object> one(String kind, String name) {
      var found =
          objects.stream()
              .filter(o -> kind.equals(o.get("kind")) && name.equals(get(o, "metadata.name")))
              .toList();
      assertThat(found).as(kind + " " + name + " in\n" + text).hasSize(1);
      return found.get(0);
    }
  }

  private static void assertRestricted(Map<String, Object> workload) {
    assertThat(get(workload, "spec.template.spec.securityContext"))
        .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
        .containsEntry("runAsNonRoot", true)
        .containsEntry("runAsUser", 10001)
        .containsEntry("seccompProfile", Map.of("type", "RuntimeDefault"));
    assertThat(get(container(workload), "securityContext"))
        .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
        .containsEntry("allowPrivilegeEscalation", false)
        .containsEntry("readOnlyRootFilesystem", true)
        .containsEntry("runAsNonRoot", true)
        .containsEntry("capabilities", Map.of("drop", List.of("ALL")));
  }

  private static void assertProbes(Map<String, Object> workload) {
    Map<String, Object> c = container(workload);
    assertThat(get(c, "livenessProbe.httpGet.path")).isEqualTo("/actuator/health/liveness");
    assertThat(get(c, "readinessProbe.httpGet.path")).isEqualTo("/actuator/health/readiness");
    for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
      assertThat(get(c, probe + ".timeoutSeconds")).as(probe).isEqualTo(5);
    }
  }

  private static Map<String, Object> container(Map<String, Object> workload) {
    List<?> containers = (List<?>) get(workload, "spec.template.spec.containers");
    assertThat(containers).hasSize(1);
    return cast((Map<?, ?>) containers.get(0));
  }

  /** The container's env entry named {@code name}, or an empty map. */
  private static Map<String, Object> env(Map<String, Object> workload, String name) {
    List<?> env = (List<?>) container(workload).get("env");
    return env.stream()
        .map(e -> cast((Map<?, ?>) e))
        .filter(e -> name.equals(e.get("name")))
        .findFirst()
        .orElse(Map.of());
  }

  /** mountPath → volume name. */
  private static Map<String, String> mounts(Map<String, Object> workload) {
    Map<String, String> out = new java.util.HashMap<>();
    for (Object m : (List<?>) container(workload).get("volumeMounts")) {
      Map<String, Object> mount = cast((Map<?, ?>) m);
      out.put((String) mount.get("mountPath"), (String) mount.get("name"));
    }
    return out;
  }

  private static Map<String, Object> volume(Map<String, Object> workload, String name) {
    for (Object v : (List<?>) get(workload, "spec.template.spec.volumes")) {
      Map<String, Object> volume = cast((Map<?, ?>) v);
      if (name.equals(volume.get("name"))) {
        return volume;
      }
    }
    throw new AssertionError("no volume " + name);
  }

  static Object get(Map<String, Object> object, String dotted) {
    Object at = object;
    for (String part : dotted.split("\\.")) {
      if (!(at instanceof Map<?, ?> m)) {
        return null;
      }
      at = m.get(part);
    }
    return at;
  }

  private static String yaml(Map<String, Object> object) {
    return new Yaml().dump(object);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> cast(Map<?, ?> m) {
    return (Map<String, Object>) m;
  }
}
