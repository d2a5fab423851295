package io.kernelwise.architecture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kernelwise.architecture.PyTorchReference.Result;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * The analysis against the reference semantics: for every preset, ResNet-50, the every-layer-type
 * specs and 200 random specs, trainable parameters, MACs and output shape, in total and per
 * top-level layer, equal what {@code kw_torch.py} builds in PyTorch.
 *
 * <p>Always against the record of PyTorch's numbers ({@code pytorch-reference.jsonl}); live as well
 * where a python with torch is found, which also proves the record current. Regenerate the record
 * with {@value PyTorchReference#REGENERATE}.
 */
class PyTorchParityTest {
  private final ArchitectureAnalyzer analyzer =
      new ArchitectureAnalyzer(ArchitectureAnalyzer.defaultLimits());

  @Test
  void analysisEqualsTheRecordedPyTorchReference() {
    Map<String, ArchitectureSpec> specs = PyTorchReference.specs();
    Map<String, Result> record = PyTorchReference.recorded();
    assertThat(record.keySet())
        .as("specs in the record; regenerate with " + PyTorchReference.REGENERATE)
        .containsExactlyElementsOf(specs.keySet());
    for (Map.Entry<String, ArchitectureSpec> e : specs.entrySet()) {
      String json = RandomSpecs.json(e.getValue());
      Result recorded = record.get(e.getKey());
      assertThat(JsonMapper.shared().readTree(recorded.spec()))
          .as(
              "%s was recorded for another spec; regenerate with %s",
              e.getKey(), PyTorchReference.REGENERATE)
          .isEqualTo(JsonMapper.shared().readTree(json));
      assertEqual(e.getKey(), json, recorded);
    }
    System.out.println("PyTorch parity: " + specs.size() + " specs equal the recorded kw_torch.py");
  }

  @Test
  void analysisEqualsLivePyTorchAndTheRecordIsCurrent() throws Exception {
    Optional<String> unavailable = PyTorchReference.liveUnavailable();
    assumeTrue(
        unavailable.isEmpty(), () -> "live PyTorch comparison skipped: " + unavailable.get());
    PyTorchReference.Live live = PyTorchReference.live();
    boolean writing = Boolean.getBoolean("kernelwise.test.record-pytorch");
    if (writing) {
      // PyTorch's numbers, whatever the analysis says: they are the reference
      PyTorchReference.write(live.results(), live.meta());
      System.out.println("wrote " + PyTorchReference.RECORD_FILE + " from " + live.meta());
    }
    for (Map.Entry<String, Result> e : live.results().entrySet()) {
      assertEqual(e.getKey(), e.getValue().spec(), e.getValue());
    }
    if (writing) {
      return;
    }
    Map<String, Result> record = PyTorchReference.recorded();
    for (Map.Entry<String, Result> e : live.results().entrySet()) {
      Result recorded = record.get(e.getKey());
      assertThat(recorded)
          .as(
              "the record is stale for %s; regenerate with %s",
              e.getKey(), PyTorchReference.REGENERATE)
          .isNotNull();
      assertThat(JsonMapper.shared().readTree(recorded.spec()))
          .isEqualTo(JsonMapper.shared().readTree(e.getValue().spec()));
      assertThat(
              new Result(
                  null,
                  recorded.trainableParameters(),
                  recorded.macs(),
                  recorded.outputShape(),
                  recorded.layers()))
          .as(
              "the record is stale for %s; regenerate with %s",
              e.getKey(), PyTorchReference.REGENERATE)
          .isEqualTo(
              new Result(
                  null,
                  e.getValue().trainableParameters(),
                  e.getValue().macs(),
                  e.getValue().outputShape(),
                  e.getValue().layers()));
    }
    System.out.println(
        "PyTorch parity: "
            + live.results().size()
            + " specs equal live kw_torch.py "
            + live.meta());
  }

  @Test
  void theLiveComparisonSkipsWithAReasonWithoutPyTorch() {
    String saved = System.getProperty("kernelwise.test.python");
    try {
      System.setProperty("kernelwise.test.python", "/nonexistent/python3");
      assertThat(PyTorchReference.liveUnavailable())
          .hasValueSatisfying(reason -> assertThat(reason).contains("/nonexistent/python3"));
    } finally {
      if (saved == null) {
        System.clearProperty("kernelwise.test.python");
      } else {
        System.setProperty("kernelwise.test.python", saved);
      }
    }
  }

  private void assertEqual(String file, String json, Result torch) {
    Analysis a = analyzer.analyze(parse(json));
    String why = file + ": " + json;
    assertThat(PyTorchReference.of(json, a))
        .as(why)
        .usingRecursiveComparison()
        .ignoringFields("spec")
        .isEqualTo(PyTorchReference.withLayerParameterSums(torch));
  }

  private static ArchitectureSpec parse(String json) {
    return new SpecParser(8).parse(JsonMapper.shared().readTree(json), "");
  }
}
