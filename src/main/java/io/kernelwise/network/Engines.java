package io.kernelwise.network;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.kernelwise.system.ApiException;
import io.kernelwise.system.KernelwiseProperties;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * Loads the DJL PyTorch engine (offline unless configured otherwise) and resolves the {@code
 * device} field of requests. Every DJL-using bean depends on this one, so the engine's system
 * properties are set before anything touches DJL.
 */
@Component
public class Engines {
  // at most 9 digits so the index always parses as an int (gpu:99999999999 was a 500)
  private static final Pattern GPU_N = Pattern.compile("gpu:(\\d{1,9})");
  private final Engine engine;

  public Engines(KernelwiseProperties properties) {
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", Boolean.toString(properties.djl().offline()));
    }
    NativeAllocator.retainFreedMemory(properties.djl().retainFreedMemory());
    this.engine = Engine.getEngine("PyTorch");
  }

  public Engine engine() {
    return engine;
  }

  public int gpuCount() {
    return engine.getGpuCount();
  }

  /** Devices this process can use, CPU first. */
  public List<Device> devices() {
    List<Device> devices = new ArrayList<>();
    devices.add(Device.cpu());
    for (int i = 0; i < gpuCount(); i++) {
      devices.add(Device.gpu(i));
    }
    return devices;
  }

  /**
   * {@code auto} (GPU 0 if present, else CPU), {@code cpu}, {@code gpu} (GPU 0), {@code gpu:N}.
   * Asking for a GPU that is absent is a 400 naming the field, never a silent CPU run.
   */
  /**
   * The device a job stores, for an instance that does not train (kernelwise.roles=api): the syntax
   * is checked here, presence by the worker that runs it, so a CPU-only API pod queues jobs for GPU
   * workers; {@code auto} stays {@code auto} for the worker to decide.
   */
  public static String normalize(String device, String field) {
    String d = device == null ? "auto" : device.trim().toLowerCase();
    if (d.equals("auto") || d.equals("cpu")) {
      return d;
    }
    if (d.equals("gpu")) {
      return "gpu:0";
    }
    Matcher m = GPU_N.matcher(d);
    if (!m.matches()) {
      throw ApiException.invalid(field, "must be auto, cpu, gpu or gpu:N, not '" + device + "'");
    }
    return "gpu:" + Integer.parseInt(m.group(1));
  }

  /** The stored form of a device this instance resolved. */
  public static String stored(Device d) {
    return d.isGpu() ? "gpu:" + d.getDeviceId() : "cpu";
  }

  public Device resolve(String device, String field) {
    String d = device == null ? "auto" : device.trim().toLowerCase();
    int gpus = gpuCount();
    if (d.equals("auto")) {
      return gpus > 0 ? Device.gpu(0) : Device.cpu();
    }
    if (d.equals("cpu")) {
      return Device.cpu();
    }
    int index;
    if (d.equals("gpu")) {
      index = 0;
    } else {
      Matcher m = GPU_N.matcher(d);
      if (!m.matches()) {
        throw ApiException.invalid(field, "must be auto, cpu, gpu or gpu:N, not '" + device + "'");
      }
      index = Integer.parseInt(m.group(1));
    }
    if (index >= gpus) {
      throw ApiException.invalid(
          field,
          "asks for GPU "
              + index
              + " but this instance has "
              + (gpus == 0
                  ? "no GPU (engine "
                      + engine.getEngineName()
                      + " "
                      + engine.getVersion()
                      + " runs on CPU)"
                  : gpus + " GPU(s)")
              + "; use 'auto' or 'cpu'");
    }
    return Device.gpu(index);
  }
}
