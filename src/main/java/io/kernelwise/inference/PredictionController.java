package io.kernelwise.inference;

import io.kernelwise.system.ApiException;
import io.swagger.v3.oas.annotations.Hidden;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.SchemaProperty;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.multipart.MultipartHttpServletRequest;

@RestController
@RequestMapping("/api/v1/models/{id}/predict")
@Tag(name = "Inference", description = "Classify images with a trained model")
class PredictionController {
  private final InferenceService inference;
  private final ImageDecoder decoder;

  PredictionController(InferenceService inference, ImageDecoder decoder) {
    this.inference = inference;
    this.decoder = decoder;
  }

  @PostMapping(consumes = {"image/*", MediaType.APPLICATION_OCTET_STREAM_VALUE})
  @Operation(
      operationId = "predict",
      summary = "Classify an image (the body) or a batch (multipart 'file' parts)",
      description =
          "The body is one image, or multipart/form-data with one or more parts named file (at"
              + " most kernelwise.inference.max-files-per-request). One image answers {modelId,"
              + " predictions}; several parts answer {modelId, results:[{file, predictions}]} in"
              + " request order. Any size and colour mode: resized to the model's input, grey/RGB"
              + " converted, normalized with the model's mean/std. Concurrent requests are batched"
              + " into one forward pass.")
  @RequestBody(
      required = true,
      description = "the image's bytes: JPEG or PNG (the content type is not trusted: decoded)",
      content = {
        @Content(mediaType = "image/jpeg", schema = @Schema(type = "string", format = "binary")),
        @Content(mediaType = "image/png", schema = @Schema(type = "string", format = "binary")),
        @Content(mediaType = "image/*", schema = @Schema(type = "string", format = "binary")),
        @Content(
            mediaType = MediaType.APPLICATION_OCTET_STREAM_VALUE,
            schema = @Schema(type = "string", format = "binary")),
        @Content(
            mediaType = MediaType.MULTIPART_FORM_DATA_VALUE,
            schema =
                @Schema(
                    type = "object",
                    requiredProperties = {"file"}),
            schemaProperties =
                @SchemaProperty(
                    name = "file",
                    array =
                        @ArraySchema(
                            minItems = 1,
                            schema = @Schema(type = "string", format = "binary"),
                            arraySchema =
                                @Schema(description = "one image per part, all named file"))))
      })
  @ApiResponse(responseCode = "200", description = "{modelId, predictions:[{label, probability}]}")
  @ApiResponse(responseCode = "409", description = "the model cannot be served")
  @ApiResponse(
      responseCode = "400",
      description = "not an image, truncated, too many pixels, no or too many files, topK")
  @ApiResponse(responseCode = "404", description = "no such model")
  @ApiResponse(responseCode = "413", description = "over kernelwise.inference.max-image-size")
  @ApiResponse(responseCode = "503", description = "the model's queue is full; retry")
  PredictionResponse predictImage(
      @PathVariable String id,
      @Parameter(
              description = "how many labels to return, 1..classes (default 5)",
              schema = @Schema(type = "integer", format = "int32", minimum = "1"))
          @RequestParam(required = false)
          Integer topK,
      @Parameter(hidden = true) HttpServletRequest request)
      throws IOException {
    int k = inference.resolveTopK(id, topK);
    byte[] body = readBody(request);
    var answers =
        inference.predict(id, k, List.of(new InferenceService.Upload("body", null, body)));
    return PredictionResponse.single(id, answers.get(0));
  }

  /** The multipart form of {@code predict}: one operation in the document, which lists both. */
  @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
  @Hidden
  PredictionResponse predictFiles(
      @PathVariable String id,
      @Parameter(
              description = "how many labels to return, 1..classes (default 5)",
              schema = @Schema(type = "integer", format = "int32", minimum = "1"))
          @RequestParam(required = false)
          Integer topK,
      @Parameter(hidden = true) MultipartHttpServletRequest request)
      throws IOException {
    int k = inference.resolveTopK(id, topK);
    List<MultipartFile> files = request.getFiles("file");
    inference.checkFileCount(files.size());
    List<InferenceService.Upload> uploads = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      MultipartFile f = files.get(i);
      String field = files.size() == 1 ? "file" : "file[" + i + "]";
      if (f.getSize() > decoder.maxImageBytes()) {
        throw ApiException.tooLarge(
            field + ": the image is larger than kernelwise.inference.max-image-size");
      }
      String name = f.getOriginalFilename() == null ? field : f.getOriginalFilename();
      uploads.add(new InferenceService.Upload(field, name, f.getBytes()));
    }
    var answers = inference.predict(id, k, uploads);
    if (answers.size() == 1) {
      return PredictionResponse.single(id, answers.get(0));
    }
    List<PredictionResponse.FileResult> results = new ArrayList<>();
    for (int i = 0; i < answers.size(); i++) {
      results.add(new PredictionResponse.FileResult(uploads.get(i).name(), answers.get(i)));
    }
    return PredictionResponse.batch(id, results);
  }

  private byte[] readBody(HttpServletRequest request) throws IOException {
    long max = decoder.maxImageBytes();
    if (request.getContentLengthLong() > max) {
      throw ApiException.tooLarge(
          "body: the image is larger than kernelwise.inference.max-image-size");
    }
    try (InputStream in = request.getInputStream()) {
      byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
      if (bytes.length > max) {
        throw ApiException.tooLarge(
            "body: the image is larger than kernelwise.inference.max-image-size");
      }
      return bytes;
    }
  }
}
