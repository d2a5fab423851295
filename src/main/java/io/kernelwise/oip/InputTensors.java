package io.kernelwise.oip;

import io.kernelwise.inference.InferenceService;
import io.kernelwise.inference.ServingInfo;
import io.kernelwise.system.ApiException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * The model's one input tensor, {@code input}, as normalized CHW images. Accepted: FP32 {@code [n,
 * c, h, w]} already normalized; UINT8 raw pixels {@code [n, h, w, c]} or {@code [n, c, h, w]} (the
 * input parameter {@code layout: "NHWC" | "NCHW"} settles a square shape such as 3x3x3), normalized
 * here with the model's mean/std; BYTES {@code [n]} or {@code [n, 1]}, each element an encoded
 * JPEG/PNG (base64 in JSON, raw with the binary extension), decoded by the very path of {@code
 * /predict}.
 */
final class InputTensors {
  static final String INPUT = "input";

  private InputTensors() {}

  static float[][] images(
      InferRequest.Input in, ServingInfo info, InferenceService inference, String at) {
    if (!List.of("FP32", "UINT8", "BYTES").contains(in.datatype())) {
      throw ApiException.invalid(
          at + ".datatype",
          in.datatype()
              + " is not accepted: send FP32 [n,c,h,w] (normalized), UINT8 [n,h,w,c] or"
              + " [n,c,h,w] (raw pixels) or BYTES [n] (base64 JPEG/PNG)");
    }
    if (in.data() == null) {
      throw ApiException.invalid(
          at + ".data", "is required (or binary data with binary_data_size)");
    }
    long[] shape = in.shape();
    String mismatch = in.data().mismatch(shape);
    if (mismatch != null) {
      throw ApiException.invalid(at + ".data", mismatch);
    }
    if (shape.length == 0 || shape[0] < 1) {
      throw ApiException.invalid(at + ".shape", "must start with the batch size n >= 1");
    }
    if (shape[0] > inference.maxImagesPerRequest()) {
      throw ApiException.overLimit(
          at + ".shape",
          "a batch of "
              + shape[0]
              + " images; at most "
              + inference.maxImagesPerRequest()
              + " per request (kernelwise.inference.max-files-per-request)");
    }
    int n = (int) shape[0];
    return switch (in.datatype()) {
      case "FP32" -> fp32(in, info, n, at);
      case "UINT8" -> uint8(in, info, inference, n, at);
      case "BYTES" -> bytes(in, info, inference, n, at);
      default -> bytes(in, info, inference, n, at);
    };
  }

  private static float[][] fp32(InferRequest.Input in, ServingInfo info, int n, String at) {
    long[] want = {n, info.channels(), info.height(), info.width()};
    if (!Arrays.equals(in.shape(), want)) {
      throw ApiException.invalid(
          at + ".shape",
          "FP32 input must be [n, "
              + info.channels()
              + ", "
              + info.height()
              + ", "
              + info.width()
              + "], not "
              + Arrays.toString(in.shape()));
    }
    requireNumbers(in, at);
    int size = info.channels() * info.height() * info.width();
    float[] all = in.data().numbers();
    float[][] images = new float[n][];
    for (int i = 0; i < n; i++) {
      images[i] = Arrays.copyOfRange(all, i * size, (i + 1) * size);
      for (float v : images[i]) {
        if (!Float.isFinite(v)) {
          throw ApiException.invalid(at + ".data", "FP32 values must be finite numbers");
        }
      }
    }
    return images;
  }

  private static float[][] uint8(
      InferRequest.Input in, ServingInfo info, InferenceService inference, int n, String at) {
    int c = info.channels();
    int h = info.height();
    int w = info.width();
    long[] s = in.shape();
    boolean nchw = s.length == 4 && s[1] == c && s[2] == h && s[3] == w;
    boolean nhwc = s.length == 4 && s[1] == h && s[2] == w && s[3] == c;
    Object layout = in.parameters().get("layout");
    if (layout != null) {
      if ("NCHW".equals(layout) && nchw) {
        nhwc = false;
      } else if ("NHWC".equals(layout) && nhwc) {
        nchw = false;
      } else {
        throw ApiException.invalid(
            at + ".parameters.layout",
            "must be \"NHWC\" or \"NCHW\" and match the shape " + Arrays.toString(s));
      }
    }
    if (!nchw && !nhwc) {
      throw ApiException.invalid(
          at + ".shape",
          "UINT8 input must be [n, "
              + h
              + ", "
              + w
              + ", "
              + c
              + "] (NHWC) or [n, "
              + c
              + ", "
              + h
              + ", "
              + w
              + "] (NCHW), not "
              + Arrays.toString(s));
    }
    requireNumbers(in, at);
    TensorData data = in.data();
    if (!data.integers()) {
      throw ApiException.invalid(at + ".data", "UINT8 values must be integers 0..255");
    }
    int size = c * h * w;
    float[][] images = new float[n][];
    for (int i = 0; i < n; i++) {
      byte[] chw = new byte[size];
      int base = i * size;
      for (int k = 0; k < size; k++) {
        float v = data.number(base + k);
        if (v < 0 || v > 255) {
          throw ApiException.invalid(
              at + ".data", "UINT8 values must be integers 0..255, not " + (long) v);
        }
        // NHWC element k is pixel (y, x) channel ch; its CHW position is ch * h * w + y * w + x
        int to = nchw ? k : (k % c) * h * w + k / c;
        chw[to] = (byte) (int) v;
      }
      images[i] = inference.normalize(info, chw);
    }
    return images;
  }

  private static float[][] bytes(
      InferRequest.Input in, ServingInfo info, InferenceService inference, int n, String at) {
    long[] s = in.shape();
    if (!(s.length == 1 || (s.length == 2 && s[1] == 1))) {
      throw ApiException.invalid(
          at + ".shape",
          "BYTES input must be [n] or [n, 1] (one encoded image each), not " + Arrays.toString(s));
    }
    TensorData data = in.data();
    if (data.isNumbers()) {
      throw ApiException.invalid(
          at + ".data", "BYTES elements must be strings (base64-encoded JPEG or PNG)");
    }
    float[][] images = new float[n][];
    for (int i = 0; i < n; i++) {
      String field = at + ".data[" + i + "]";
      byte[] image = data.string(i);
      if (data.base64()) {
        image = base64(image, field);
      }
      images[i] = inference.decode(info, image, field);
    }
    return images;
  }

  private static void requireNumbers(InferRequest.Input in, String at) {
    if (in.data().isStrings()) {
      throw ApiException.invalid(at + ".data", in.datatype() + " elements must be numbers");
    }
  }

  /** Standard base64; line-wrapped (MIME) base64 too, as some encoders write it. */
  private static byte[] base64(byte[] text, String field) {
    try {
      return Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      String s = new String(text, StandardCharsets.ISO_8859_1);
      if (s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
        return Base64.getMimeDecoder().decode(text);
      }
      throw ApiException.invalid(
          field, "is not base64 (" + e.getMessage() + "); send the JPEG/PNG bytes base64-encoded");
    }
  }
}
