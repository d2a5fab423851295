package io.kernelwise.inference;

import io.kernelwise.models.DefaultModelRegistry;
import io.kernelwise.models.ModelDeleted;
import io.kernelwise.system.ApiException;
import io.kernelwise.system.KernelwiseProperties;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;

/**
 * Classifies images: checks the request against the model's row (unknown model, topK), decodes and
 * normalizes the images on the request thread, then hands them to the model's batching queue. The
 * public methods are what other protocols (the Open Inference Protocol under {@code /v2}) build on,
 * so they share the batching, back-pressure and metrics of {@code /predict}.
 */
@Service
public class InferenceService {
  static final int DEFAULT_TOP_K = 5;
  private static final long EXISTENCE_TTL_NANOS = 1_000_000_000L;

  private final DefaultModelRegistry registry;
  private final ServedModels served;
  private final ImageDecoder decoder;
  private final KernelwiseProperties.Inference config;
  private final Map<String, Long> confirmed = new ConcurrentHashMap<>();

  InferenceService(
      DefaultModelRegistry registry,
      ServedModels served,
      ImageDecoder decoder,
      KernelwiseProperties properties) {
    this.registry = registry;
    this.served = served;
    this.decoder = decoder;
    this.config = properties.inference();
  }

  /** An uploaded image: the field it came in (for error messages) and its name in the answer. */
  record Upload(String field, String name, byte[] bytes) {}

  /** Checks the model (404) and topK before any image is read; loads the model if needed. */
  int resolveTopK(String modelId, Integer topK) {
    confirmExists(modelId);
    int classes = served.get(modelId).info.labels().size();
    if (topK == null) {
      return Math.min(DEFAULT_TOP_K, classes);
    }
    if (topK < 1 || topK > classes) {
      throw ApiException.invalid(
          "topK", "must be between 1 and " + classes + " (the model's classes), not " + topK);
    }
    return topK;
  }

  void checkFileCount(int files) {
    if (files == 0) {
      throw ApiException.invalid("file", "is required: one or more multipart parts named 'file'");
    }
    if (files > config.maxFilesPerRequest()) {
      throw ApiException.overLimit(
          "file",
          files
              + " files in one request; at most "
              + config.maxFilesPerRequest()
              + " (kernelwise.inference.max-files-per-request)");
    }
  }

  /** Softmax top-k per upload, in order. */
  List<List<PredictionResponse.Prediction>> predict(
      String modelId, int topK, List<Upload> uploads) {
    long start = System.nanoTime();
    ServingInfo info = served.get(modelId).info;
    float[][] images = new float[uploads.size()][];
    for (int i = 0; i < images.length; i++) {
      Upload u = uploads.get(i);
      images[i] = decode(info, u.bytes(), u.field());
    }
    float[][] probabilities = classify(modelId, images, start);
    List<List<PredictionResponse.Prediction>> answers = new ArrayList<>();
    for (float[] p : probabilities) {
      answers.add(topK(p, info.labels(), topK));
    }
    return answers;
  }

  /** The model's serving description; 404 if it does not exist. Loads the model if needed. */
  public ServingInfo serving(String modelId) {
    confirmExists(modelId);
    return served.get(modelId).info;
  }

  /** An encoded JPEG/PNG as the model's normalized CHW input, exactly as {@code /predict} does. */
  public float[] decode(ServingInfo info, byte[] image, String field) {
    return ImageTensors.normalize(
        decoder.pixels(image, field, info.channels(), info.height(), info.width()),
        info.channels(),
        info.mean(),
        info.std());
  }

  /** Raw uint8 CHW pixels normalized with the model's mean/std. */
  public float[] normalize(ServingInfo info, byte[] chw) {
    return ImageTensors.normalize(chw, info.channels(), info.mean(), info.std());
  }

  /**
   * The largest number of images one request may send (kernelwise.inference.max-files-per-request).
   */
  public int maxImagesPerRequest() {
    return config.maxFilesPerRequest();
  }

  /**
   * Softmax rows for normalized CHW images, through the model's batching queue (503 when it is
   * full); the request timer counts from {@code startNanos}, when the request began.
   */
  public float[][] classify(String modelId, float[][] images, long startNanos) {
    ServedModel model = served.get(modelId);
    float[][] probabilities = await(modelId, model, images);
    model.requestTimer.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    return probabilities;
  }

  private float[][] await(String modelId, ServedModel model, float[][] images) {
    CompletableFuture<float[][]> result;
    try {
      result = model.submit(images);
    } catch (ServedModel.UnloadedException e) {
      served.forget(model); // evicted or deleted between lookup and submit: look it up again
      confirmed.remove(modelId);
      confirmExists(modelId);
      result = served.get(modelId).submit(images);
    }
    try {
      return result.get(config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      result.cancel(false);
      throw ApiException.busy(
          "model '" + modelId + "' did not answer within " + config.requestTimeout());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApiException.busy("interrupted while waiting for model '" + modelId + "'");
    } catch (CancellationException e) {
      throw ApiException.busy("the request to model '" + modelId + "' was cancelled; retry");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ServedModel.UnloadedException) {
        throw ApiException.busy("model '" + modelId + "' was unloaded meanwhile; retry");
      }
      throw new IllegalStateException("inference failed for model " + modelId, e.getCause());
    }
  }

  /**
   * The database says whether a model exists (another replica may have deleted it); asked at most
   * once per {@link #EXISTENCE_TTL_NANOS} per model so a predict does not pay a query each time.
   */
  private void confirmExists(String modelId) {
    long now = System.nanoTime();
    Long at = confirmed.get(modelId);
    if (at != null && now - at < EXISTENCE_TTL_NANOS) {
      return;
    }
    if (!registry.exists(modelId)) {
      confirmed.remove(modelId);
      served.unload(modelId); // deleted through another replica
      throw ApiException.notFound("model", modelId);
    }
    confirmed.put(modelId, now);
  }

  @EventListener
  void onDeleted(ModelDeleted event) {
    confirmed.remove(event.modelId());
  }

  static List<PredictionResponse.Prediction> topK(float[] p, List<String> labels, int k) {
    return IntStream.range(0, p.length)
        .boxed()
        .sorted(Comparator.comparingDouble((Integer i) -> p[i]).reversed())
        .limit(k)
        .map(i -> new PredictionResponse.Prediction(labels.get(i), p[i]))
        .toList();
  }
}
