package io.kernelwise.oip;

import io.kernelwise.system.ApiException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import tools.jackson.databind.ObjectMapper;

/**
 * The binary tensor data extension (as Triton's clients use it by default): the body is a JSON
 * header of {@code Inference-Header-Content-Length} bytes followed by the raw tensors, in input
 * order, of the inputs whose parameters give {@code binary_data_size}. FP32 is little-endian, UINT8
 * one byte per element, BYTES each element as a 4-byte little-endian length and its bytes.
 * Responses use the same layout for outputs asked as binary.
 */
final class BinaryTensors {
  private final InputStream body;
  private final long maxBody;

  BinaryTensors(InputStream body, long maxBody) {
    this.body = body;
    this.maxBody = maxBody;
  }

  static int headerLength(String value, long maxBody) {
    long n;
    try {
      n = Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw ApiException.invalid(OipInferController.HEADER_LENGTH, "must be a number of bytes");
    }
    if (n < 0 || n > maxBody) {
      throw ApiException.invalid(
          OipInferController.HEADER_LENGTH, "must be between 0 and the body's length, not " + n);
    }
    return (int) n;
  }

  /** The request with the binary data read into the inputs that declare it. */
  InferRequest attach(InferRequest request) throws IOException {
    List<InferRequest.Input> inputs = new ArrayList<>();
    for (int i = 0; i < request.inputs().size(); i++) {
      InferRequest.Input in = request.inputs().get(i);
      String at = "inputs[" + i + "]";
      Object size = in.parameters().get("binary_data_size");
      if (size == null) {
        inputs.add(in);
        continue;
      }
      if (in.data() != null) {
        throw ApiException.invalid(at + ".data", "must be absent when binary_data_size is given");
      }
      if (!(size instanceof Number n) || n.longValue() < 0 || n.doubleValue() != n.longValue()) {
        throw ApiException.invalid(
            at + ".parameters.binary_data_size", "must be a non-negative integer");
      }
      long bytes = n.longValue();
      if (bytes > maxBody) {
        throw ApiException.invalid(
            at + ".parameters.binary_data_size", "is larger than the body may be");
      }
      byte[] raw = body.readNBytes((int) bytes);
      if (raw.length != bytes) {
        throw ApiException.invalid(
            at + ".parameters.binary_data_size",
            "says " + bytes + " bytes but the body ends after " + raw.length);
      }
      inputs.add(
          new InferRequest.Input(
              in.name(), in.datatype(), in.shape(), in.parameters(), decode(in, raw, at)));
    }
    if (body.read() >= 0) {
      throw ApiException.invalid(
          "body", "holds more binary data than the inputs' binary_data_size declare");
    }
    return new InferRequest(request.id(), request.parameters(), inputs, request.outputs());
  }

  private TensorData decode(InferRequest.Input in, byte[] raw, String at) {
    ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
    switch (in.datatype()) {
      case "FP32" -> {
        if (raw.length % 4 != 0) {
          throw ApiException.invalid(
              at + ".parameters.binary_data_size", "FP32 data must be a multiple of 4 bytes");
        }
        float[] values = new float[raw.length / 4];
        b.asFloatBuffer().get(values);
        return TensorData.flat(values, false);
      }
      case "UINT8" -> {
        float[] values = new float[raw.length];
        for (int i = 0; i < raw.length; i++) {
          values[i] = raw[i] & 0xFF;
        }
        return TensorData.flat(values, true);
      }
      case "BYTES" -> {
        List<byte[]> elements = new ArrayList<>();
        while (b.remaining() > 0) {
          if (b.remaining() < 4) {
            throw ApiException.invalid(at, "BYTES binary data ends inside an element's length");
          }
          int len = b.getInt();
          if (len < 0 || len > b.remaining()) {
            throw ApiException.invalid(at, "BYTES element length " + len + " runs past the data");
          }
          byte[] e = new byte[len];
          b.get(e);
          elements.add(e);
        }
        return TensorData.flatStrings(elements);
      }
      default -> {
        return TensorData.flat(new float[0], false); // the datatype is refused with its message
      }
    }
  }

  static byte[] encodeStrings(List<String> strings) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String s : strings) {
      byte[] bytes = OutputPlan.utf8(s);
      out.writeBytes(
          ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(bytes.length).array());
      out.writeBytes(bytes);
    }
    return out.toByteArray();
  }

  /** JSON alone, or (some output binary) the JSON header, then the binary outputs in order. */
  static ResponseEntity<byte[]> respond(
      ObjectMapper json, InferResponse response, List<byte[]> binary) {
    byte[] header = json.writeValueAsBytes(response);
    if (binary.isEmpty()) {
      return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(header);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(header);
    binary.forEach(out::writeBytes);
    return ResponseEntity.ok()
        .contentType(MediaType.APPLICATION_OCTET_STREAM)
        .header(OipInferController.HEADER_LENGTH, String.valueOf(header.length))
        .body(out.toByteArray());
  }
}
