package io.kernelwise.models;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import io.kernelwise.architecture.ArchitectureCatalog;
import io.kernelwise.architecture.ArchitectureSpec;
import io.kernelwise.network.Engines;
import io.kernelwise.network.NetworkFactory;
import io.kernelwise.system.ApiException;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Turns a model directory (spec, parameters, labels, normalization) into a ready DJL {@link Model}:
 * rebuilds the block from the spec with {@link NetworkFactory}, loads the parameters written by
 * {@code Block#saveParameters} and runs one dummy batch through it, so a broken model fails here
 * and not on a user's request.
 */
@Component
public class ModelLoader {
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

  private final ArchitectureCatalog catalog;
  private final NetworkFactory networks;
  private final ObjectMapper json;

  // Engines: the DJL engine must be configured before this bean touches DJL.
  ModelLoader(
      ArchitectureCatalog catalog, NetworkFactory networks, ObjectMapper json, Engines engines) {
    this.catalog = catalog;
    this.networks = networks;
    this.json = json;
  }

  /**
   * Spec, labels and normalization of a stored model's directory, checked against each other; the
   * spec against the stored-spec limits (a model trained under looser limits stays servable).
   */
  public Description describe(Path dir) {
    return describe(dir, false);
  }

  /**
   * Like {@link #describe(Path)}; {@code incoming} (an imported artifact) checks the spec against
   * today's limits, as any new spec.
   */
  public Description describe(Path dir, boolean incoming) {
    ArchitectureSpec spec;
    try {
      JsonNode node = json.readTree(read(dir, ModelFiles.SPEC));
      spec = incoming ? catalog.parse(node, "spec") : catalog.stored(node);
    } catch (JacksonException e) {
      throw new InvalidModelException(ModelFiles.SPEC, "is not valid JSON");
    } catch (ApiException e) {
      throw new InvalidModelException(ModelFiles.SPEC, e.getMessage(), e);
    }
    List<String> labels;
    ModelRecord.Normalization normalization;
    try {
      labels = json.readValue(read(dir, ModelFiles.LABELS), STRINGS);
    } catch (JacksonException e) {
      throw new InvalidModelException(ModelFiles.LABELS, "must be a JSON array of class names");
    }
    try {
      normalization =
          json.readValue(read(dir, ModelFiles.NORMALIZATION), ModelRecord.Normalization.class);
    } catch (JacksonException e) {
      throw new InvalidModelException(
          ModelFiles.NORMALIZATION, "must be {\"mean\": [...], \"std\": [...]}");
    }
    if (labels == null || labels.size() != spec.classes()) {
      throw new InvalidModelException(
          ModelFiles.LABELS,
          "has "
              + (labels == null ? 0 : labels.size())
              + " labels but the spec has "
              + spec.classes()
              + " classes");
    }
    int channels = spec.input().channels();
    if (normalization == null
        || normalization.mean() == null
        || normalization.std() == null
        || normalization.mean().length != channels
        || normalization.std().length != channels) {
      throw new InvalidModelException(
          ModelFiles.NORMALIZATION,
          "needs one mean and one std per input channel (" + channels + ")");
    }
    for (float s : normalization.std()) {
      if (!(s > 0) || Float.isInfinite(s)) {
        throw new InvalidModelException(ModelFiles.NORMALIZATION, "std values must be > 0");
      }
    }
    return new Description(spec, labels, normalization);
  }

  /**
   * Builds the block, loads the parameters and forwards one dummy batch. The caller owns (and
   * closes) the returned model.
   */
  public Model load(Path dir, Description description, Device device) {
    ArchitectureSpec spec = description.spec();
    Model model = Model.newInstance(dir.getFileName().toString(), device, "PyTorch");
    try {
      Block block = networks.build(spec);
      model.setBlock(block);
      try (DataInputStream in =
          new DataInputStream(
              new BufferedInputStream(
                  Files.newInputStream(dir.resolve(ModelFiles.PARAMETERS)), 1 << 16))) {
        block.loadParameters(model.getNDManager(), in);
      } catch (NoSuchFileException e) {
        throw new InvalidModelException(ModelFiles.PARAMETERS, "is missing");
      } catch (IOException | RuntimeException | ai.djl.MalformedModelException e) {
        throw new InvalidModelException(
            ModelFiles.PARAMETERS,
            "cannot be loaded into the network built from the spec: " + firstLine(e),
            e);
      }
      checkShapes(block, spec);
      checkForward(model, spec);
      return model;
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /**
   * DJL loads whatever arrays the file holds, and a forward pass can still succeed with them (a
   * dense layer simply takes the stored weight's shape), so compare every parameter with the shape
   * the spec implies, computed on a throw-away copy of the network.
   */
  private void checkShapes(Block loaded, ArchitectureSpec spec) {
    var input = spec.input();
    Block reference = networks.build(spec);
    try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      reference.setInitializer(new ConstantInitializer(0), p -> true);
      reference.initialize(
          manager, DataType.FLOAT32, new Shape(1, input.channels(), input.height(), input.width()));
      var expected = reference.getParameters();
      var actual = loaded.getParameters();
      if (expected.size() != actual.size()) {
        throw new InvalidModelException(
            ModelFiles.PARAMETERS,
            "holds " + actual.size() + " parameters, the spec's network has " + expected.size());
      }
      for (int i = 0; i < expected.size(); i++) {
        Shape want = expected.valueAt(i).getArray().getShape();
        Shape got = actual.valueAt(i).getArray().getShape();
        if (!want.equals(got)) {
          throw new InvalidModelException(
              ModelFiles.PARAMETERS,
              "parameter " + actual.keyAt(i) + " has shape " + got + " but the spec needs " + want);
        }
      }
    }
  }

  private static void checkForward(Model model, ArchitectureSpec spec) {
    var input = spec.input();
    try (NDManager manager = model.getNDManager().newSubManager()) {
      NDList out =
          model
              .getBlock()
              .forward(
                  new ParameterStore(manager, false),
                  new NDList(
                      manager.zeros(new Shape(2, input.channels(), input.height(), input.width()))),
                  false);
      Shape shape = out.singletonOrThrow().getShape();
      if (!shape.equals(new Shape(2, spec.classes()))) {
        throw new InvalidModelException(
            ModelFiles.PARAMETERS,
            "the network answers shape " + shape + " instead of (N, " + spec.classes() + ")");
      }
    } catch (InvalidModelException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new InvalidModelException(
          ModelFiles.PARAMETERS, "a test forward pass failed: " + firstLine(e), e);
    }
  }

  private static String read(Path dir, String file) {
    try {
      return Files.readString(dir.resolve(file));
    } catch (NoSuchFileException e) {
      throw new InvalidModelException(file, "is missing");
    } catch (IOException e) {
      throw new InvalidModelException(file, "cannot be read: " + e.getMessage(), e);
    }
  }

  private static String firstLine(Throwable e) {
    String m = String.valueOf(e.getMessage());
    int cut = m.indexOf('\n');
    return cut > 0 ? m.substring(0, cut) : m;
  }

  /** What a model directory declares, validated. */
  public record Description(
      ArchitectureSpec spec, List<String> labels, ModelRecord.Normalization normalization) {}
}
