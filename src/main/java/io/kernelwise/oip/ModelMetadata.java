package io.kernelwise.oip;

import io.kernelwise.architecture.Analysis;
import io.kernelwise.architecture.ArchitectureAnalyzer;
import io.kernelwise.architecture.ArchitectureSpec;
import io.kernelwise.models.DefaultModelRegistry;
import io.kernelwise.models.InvalidModelException;
import io.kernelwise.models.ModelDeleted;
import io.kernelwise.models.ModelLoader;
import io.kernelwise.models.ModelRecord;
import io.kernelwise.system.ApiException;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import tools.jackson.databind.ObjectMapper;

/**
 * {@code $metadata_model_response}: one input {@code input} FP32 {@code [-1, c, h, w]} (the
 * normalized tensor; UINT8 and BYTES are accepted too, see {@link InputTensors}), one output {@code
 * probabilities} FP32 {@code [-1, classes]}, and in {@code parameters} what Kernelwise knows about
 * the model: its id and version, the architecture's trainable parameters and MACs per image (the
 * analysis of the stored spec), the dataset, the job's test accuracy, the labels. Parameter values
 * are scalars as the protocol says, so lists (labels, mean, std) are JSON-encoded strings.
 */
@Component
class ModelMetadata {
  /** The platform: PyTorch running Kernelwise's DJL block parameters. */
  static final String PLATFORM = "pytorch_djl";

  private final DefaultModelRegistry registry;
  private final ModelLoader loader;
  private final ObjectMapper json;
  private final ArchitectureAnalyzer analyzer =
      new ArchitectureAnalyzer(ArchitectureAnalyzer.defaultLimits());
  private final Map<String, Analysis> analyses = new ConcurrentHashMap<>();

  ModelMetadata(DefaultModelRegistry registry, ModelLoader loader, ObjectMapper json) {
    this.registry = registry;
    this.loader = loader;
    this.json = json;
  }

  @Schema(name = "OipTensor")
  record Tensor(String name, String datatype, long[] shape) {}

  @Schema(name = "OipModelMetadata")
  record Response(
      String name,
      List<String> versions,
      String platform,
      List<Tensor> inputs,
      List<Tensor> outputs,
      Map<String, Object> parameters) {}

  Response of(ModelDirectory.Resolved resolved) {
    ModelRecord m = resolved.model();
    Analysis analysis = analysis(m.id());
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("model_id", m.id());
    p.put("model_name", m.name());
    p.put("version", m.version());
    p.put("architecture_id", m.architectureId() == null ? "" : m.architectureId());
    p.put("trainable_parameters", analysis.parameters().trainable());
    p.put("macs_per_image", analysis.macs());
    p.put("dataset_id", m.datasetId() == null ? "" : m.datasetId());
    p.put("job_id", m.jobId() == null ? "" : m.jobId());
    Double accuracy = m.metrics().get("testAccuracy");
    if (accuracy != null) {
      p.put("test_accuracy", accuracy);
    }
    p.put("classes", m.classes().size());
    p.put("labels", json.writeValueAsString(m.classes()));
    p.put("mean", json.writeValueAsString(m.normalization().mean()));
    p.put("std", json.writeValueAsString(m.normalization().std()));
    p.put(
        "input_datatypes",
        "FP32 [n,c,h,w] normalized; UINT8 [n,h,w,c] or [n,c,h,w] raw pixels; BYTES [n] base64"
            + " JPEG/PNG");
    p.put("created_at", m.createdAt().toString());
    return new Response(
        resolved.name(),
        resolved.versions(),
        PLATFORM,
        List.of(
            new Tensor(
                InputTensors.INPUT, "FP32", new long[] {-1, m.channels(), m.height(), m.width()})),
        List.of(new Tensor(OutputPlan.PROBABILITIES, "FP32", new long[] {-1, m.classes().size()})),
        p);
  }

  /** The stored spec's analysis; computed once per model (a pure function of the spec). */
  private Analysis analysis(String id) {
    Analysis cached = analyses.get(id);
    if (cached != null) {
      return cached;
    }
    ArchitectureSpec spec;
    try {
      spec = loader.describe(registry.files(id)).spec();
    } catch (InvalidModelException e) {
      throw ApiException.conflict(
          "model '" + id + "' has unreadable files: " + e.file() + " " + e.getMessage());
    }
    Analysis analysis = analyzer.analyze(spec);
    if (analyses.size() > 1000) {
      analyses.clear();
    }
    analyses.put(id, analysis);
    return analysis;
  }

  @EventListener
  void onDeleted(ModelDeleted event) {
    analyses.remove(event.modelId());
  }
}
