package io.kernelwise.oip;

import io.kernelwise.inference.InferenceService;
import io.kernelwise.inference.ServingInfo;
import io.kernelwise.system.ApiException;
import io.kernelwise.system.KernelwiseProperties;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.ObjectMapper;

/**
 * {@code POST /v2/models/{model}[/versions/{version}]/infer}: the request is read as a token stream
 * from a bounded body (JSON, or a JSON header plus binary tensor data with the binary extension),
 * its input turned into normalized images, and those go through the model's batching queue like
 * {@code /predict}'s; outputs are the probabilities or, with {@code classification}, the top-k
 * labels.
 */
@RestController
class OipInferController {
  static final String HEADER_LENGTH = "Inference-Header-Content-Length";

  private final ModelDirectory directory;
  private final InferenceService inference;
  private final ObjectMapper json;
  private final long maxBody;

  OipInferController(
      ModelDirectory directory,
      InferenceService inference,
      ObjectMapper json,
      KernelwiseProperties properties) {
    this.directory = directory;
    this.inference = inference;
    this.json = json;
    this.maxBody = properties.inference().maxInferRequestSize().toBytes();
  }

  @PostMapping("/v2/models/{model}/infer")
  ResponseEntity<byte[]> infer(@PathVariable String model, HttpServletRequest request)
      throws IOException {
    return infer(model, null, request);
  }

  @PostMapping("/v2/models/{model}/versions/{version}/infer")
  ResponseEntity<byte[]> infer(
      @PathVariable String model, @PathVariable String version, HttpServletRequest request)
      throws IOException {
    long start = System.nanoTime();
    ModelDirectory.Resolved resolved = directory.resolve(model, version);
    String id = resolved.model().id();
    ServingInfo info = inference.serving(id);
    int maxImages = inference.maxImagesPerRequest();
    long pixels = (long) info.channels() * info.height() * info.width();
    InferRequestReader reader = new InferRequestReader(maxImages * pixels, maxImages);

    long length = request.getContentLengthLong();
    if (length > maxBody) {
      throw tooLarge();
    }
    InferRequest parsed;
    try (InputStream body = new BoundedInput(request.getInputStream(), maxBody)) {
      String headerLength = request.getHeader(HEADER_LENGTH);
      if (headerLength == null) {
        try (JsonParser p = json.createParser(body)) {
          parsed = reader.read(p);
        }
      } else {
        byte[] header = body.readNBytes(BinaryTensors.headerLength(headerLength, maxBody));
        try (JsonParser p = json.createParser(header)) {
          parsed = reader.read(p);
        }
        parsed = new BinaryTensors(body, maxBody).attach(parsed);
      }
    } catch (BoundedInput.OverLimitException e) {
      throw tooLarge();
    }

    OutputPlan plan = OutputPlan.of(parsed, info.labels().size());
    InferRequest.Input input = single(parsed);
    float[][] images = InputTensors.images(input, info, inference, "inputs[0]");
    float[][] probabilities = inference.classify(id, images, start);

    OutputPlan.Written written = plan.write(probabilities, info.labels());
    InferResponse response =
        new InferResponse(
            resolved.name(), resolved.version(), parsed.id(), null, written.outputs());
    return BinaryTensors.respond(json, response, written.binary());
  }

  private static InferRequest.Input single(InferRequest request) {
    if (request.inputs().size() != 1) {
      throw ApiException.invalid(
          "inputs",
          "has "
              + request.inputs().size()
              + " tensors; the model takes exactly one, named '"
              + InputTensors.INPUT
              + "'");
    }
    InferRequest.Input in = request.inputs().get(0);
    if (!InputTensors.INPUT.equals(in.name())) {
      throw ApiException.invalid(
          "inputs[0].name",
          "'"
              + in.name()
              + "' is not an input of the model; its input is '"
              + InputTensors.INPUT
              + "'");
    }
    return in;
  }

  private ApiException tooLarge() {
    return ApiException.tooLarge(
        "the body is larger than kernelwise.inference.max-infer-request-size ("
            + maxBody
            + " bytes)");
  }
}
