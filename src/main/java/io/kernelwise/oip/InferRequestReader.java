package io.kernelwise.oip;

import io.kernelwise.system.ApiException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * Reads {@code $inference_request} from a token stream, without building a JSON tree: tensor data
 * goes straight into a float array (or a list of strings), and reading stops with a 400 as soon as
 * a tensor holds more elements than the model can take in one request, so a huge or hostile body
 * costs at most that bound. Unknown fields are skipped, as the protocol allows.
 */
final class InferRequestReader {
  static final int MAX_DEPTH = 8;

  private final long maxNumbers;
  private final int maxStrings;

  /**
   * @param maxNumbers most numeric elements in one tensor (images per request x pixels)
   * @param maxStrings most string elements in one tensor (images per request)
   */
  InferRequestReader(long maxNumbers, int maxStrings) {
    this.maxNumbers = maxNumbers;
    this.maxStrings = maxStrings;
  }

  InferRequest read(JsonParser p) {
    if (p.nextToken() != JsonToken.START_OBJECT) {
      throw invalid("body", "must be a JSON object ($inference_request)");
    }
    String id = null;
    Map<String, Object> parameters = Map.of();
    List<InferRequest.Input> inputs = null;
    List<InferRequest.Output> outputs = null;
    while (p.nextToken() == JsonToken.PROPERTY_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      switch (field) {
        case "id" -> {
          if (value != JsonToken.VALUE_STRING) {
            throw invalid("id", "must be a string");
          }
          id = p.getString();
        }
        case "parameters" -> parameters = parameters(p, "parameters");
        case "inputs" -> inputs = inputs(p);
        case "outputs" -> outputs = outputs(p);
        default -> p.skipChildren();
      }
    }
    if (p.nextToken() != null) {
      throw invalid("body", "has content after the JSON object");
    }
    if (inputs == null) {
      throw invalid("inputs", "is required");
    }
    return new InferRequest(id, parameters, inputs, outputs);
  }

  private List<InferRequest.Input> inputs(JsonParser p) {
    expectArray(p, "inputs");
    List<InferRequest.Input> inputs = new ArrayList<>();
    while (p.nextToken() != JsonToken.END_ARRAY) {
      String at = "inputs[" + inputs.size() + "]";
      if (inputs.size() >= 16) {
        throw invalid("inputs", "has more than 16 tensors; the model takes one");
      }
      inputs.add(input(p, at));
    }
    return inputs;
  }

  private InferRequest.Input input(JsonParser p, String at) {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw invalid(at, "must be an object ($request_input)");
    }
    String name = null;
    String datatype = null;
    long[] shape = null;
    Map<String, Object> parameters = Map.of();
    TensorData data = null;
    while (p.nextToken() == JsonToken.PROPERTY_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      switch (field) {
        case "name" -> name = string(p, value, at + ".name");
        case "datatype" -> datatype = string(p, value, at + ".datatype");
        case "shape" -> shape = shape(p, at + ".shape");
        case "parameters" -> parameters = parameters(p, at + ".parameters");
        case "data" -> data = data(p, at + ".data");
        default -> p.skipChildren();
      }
    }
    if (name == null) {
      throw invalid(at + ".name", "is required");
    }
    if (datatype == null) {
      throw invalid(at + ".datatype", "is required");
    }
    if (shape == null) {
      throw invalid(at + ".shape", "is required");
    }
    return new InferRequest.Input(name, datatype, shape, parameters, data);
  }

  private List<InferRequest.Output> outputs(JsonParser p) {
    expectArray(p, "outputs");
    List<InferRequest.Output> outputs = new ArrayList<>();
    while (p.nextToken() != JsonToken.END_ARRAY) {
      String at = "outputs[" + outputs.size() + "]";
      if (outputs.size() >= 16) {
        throw invalid("outputs", "has more than 16 entries");
      }
      if (p.currentToken() != JsonToken.START_OBJECT) {
        throw invalid(at, "must be an object ($request_output)");
      }
      String name = null;
      Map<String, Object> parameters = Map.of();
      while (p.nextToken() == JsonToken.PROPERTY_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        switch (field) {
          case "name" -> name = string(p, value, at + ".name");
          case "parameters" -> parameters = parameters(p, at + ".parameters");
          default -> p.skipChildren();
        }
      }
      if (name == null) {
        throw invalid(at + ".name", "is required");
      }
      outputs.add(new InferRequest.Output(name, parameters));
    }
    return outputs;
  }

  /** Dimensions: unsigned integers, at most {@link #MAX_DEPTH} of them. */
  private static long[] shape(JsonParser p, String at) {
    expectArray(p, at);
    long[] dims = new long[MAX_DEPTH];
    int n = 0;
    while (p.nextToken() != JsonToken.END_ARRAY) {
      if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
        throw invalid(at, "must be an array of integers");
      }
      if (n == MAX_DEPTH) {
        throw invalid(at, "has more than " + MAX_DEPTH + " dimensions");
      }
      long d;
      try {
        d = p.getLongValue();
      } catch (RuntimeException e) {
        throw invalid(at, "has a dimension too large");
      }
      if (d < 0) {
        throw invalid(at, "dimensions must be >= 0, not " + d);
      }
      dims[n++] = d;
    }
    return java.util.Arrays.copyOf(dims, n);
  }

  private TensorData data(JsonParser p, String at) {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw invalid(at, "must be an array (flat or nested as the shape)");
    }
    TensorData data = new TensorData();
    array(p, data, 1, at);
    return data;
  }

  private void array(JsonParser p, TensorData data, int depth, String at) {
    if (depth > MAX_DEPTH) {
      throw invalid(at, "is nested deeper than " + MAX_DEPTH + " levels");
    }
    int length = 0;
    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
      length++;
      switch (t) {
        case START_ARRAY -> array(p, data, depth + 1, at);
        case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
          if (data.size() >= maxNumbers) {
            throw invalid(
                at, "holds more than " + maxNumbers + " values, more than one request may send");
          }
          data.addNumber(p.getFloatValue(), t == JsonToken.VALUE_NUMBER_INT, depth);
        }
        case VALUE_STRING -> {
          if (data.size() >= maxStrings) {
            throw invalid(
                at, "holds more than " + maxStrings + " strings, more than one request may send");
          }
          data.addString(p.getString().getBytes(StandardCharsets.ISO_8859_1), depth);
        }
        case VALUE_TRUE, VALUE_FALSE -> throw invalid(at, "holds booleans; BOOL is not accepted");
        default -> throw invalid(at, "may hold only numbers, strings or arrays, not " + t);
      }
    }
    data.closeArray(depth, length);
  }

  /** {@code $parameters}: names to strings, numbers or booleans. */
  private static Map<String, Object> parameters(JsonParser p, String at) {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw invalid(at, "must be an object of name: value");
    }
    Map<String, Object> parameters = new LinkedHashMap<>();
    while (p.nextToken() == JsonToken.PROPERTY_NAME) {
      String name = p.currentName();
      JsonToken t = p.nextToken();
      Object value =
          switch (t) {
            case VALUE_STRING -> p.getString();
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> p.getNumberValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            default -> throw invalid(at + "." + name, "must be a string, a number or a boolean");
          };
      if (parameters.size() >= 64) {
        throw invalid(at, "has more than 64 parameters");
      }
      parameters.put(name, value);
    }
    return parameters;
  }

  private static String string(JsonParser p, JsonToken t, String at) {
    if (t != JsonToken.VALUE_STRING) {
      throw invalid(at, "must be a string");
    }
    return p.getString();
  }

  private static void expectArray(JsonParser p, String at) {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw invalid(at, "must be an array");
    }
  }

  static ApiException invalid(String field, String message) {
    return ApiException.invalid(field, message);
  }
}
