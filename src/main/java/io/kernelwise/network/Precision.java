package io.kernelwise.network;

import ai.djl.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The arithmetic a network trains in. {@code bf16} keeps fp32 master weights and casts activations
 * and weights inside the scripted network's forward ({@link ScriptedNetwork}); DJL 0.36's own
 * NDArray API has no bfloat16, so only the scripted route can run it.
 */
public enum Precision {
  FP32,
  BF16;

  public static final String AUTO = "auto";
  public static final Set<String> NAMES = Set.of("fp32", "bf16", AUTO);
  private static final Pattern BF16_FLAGS = Pattern.compile("\\b(avx512_bf16|amx_bf16)\\b");

  public String json() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Precision fromJson(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }

  /**
   * {@code auto}: bf16 on a GPU or where the CPU has bf16 arithmetic, else fp32; without native
   * bf16 the casts cost more than they save, so an explicit {@code bf16} there is refused by the
   * hyperparameter rules.
   */
  public static Precision resolve(String requested, Device device) {
    if (requested == null || requested.equals(AUTO)) {
      return device.isGpu() || cpuHasBf16() ? BF16 : FP32;
    }
    return fromJson(requested);
  }

  /** avx512_bf16 or amx_bf16 among this machine's CPU flags (Linux; false elsewhere). */
  public static boolean cpuHasBf16() {
    return CpuFlags.BF16;
  }

  static boolean hasBf16Flag(String cpuinfo) {
    return cpuinfo
        .lines()
        .filter(l -> l.startsWith("flags"))
        .anyMatch(l -> BF16_FLAGS.matcher(l).find());
  }

  /** Read once: the CPU does not change under a running JVM. */
  private static final class CpuFlags {
    static final boolean BF16 = read();

    private static boolean read() {
      try {
        return hasBf16Flag(Files.readString(Path.of("/proc/cpuinfo")));
      } catch (IOException | RuntimeException e) {
        return false;
      }
    }
  }
}
