package io.kernelwise.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Platform;
import org.junit.jupiter.api.Test;

class NativeAllocatorTest {
  @Test
  void disabledLeavesMallocAlone() {
    assertThat(NativeAllocator.retainFreedMemory(false))
        .isEqualTo(NativeAllocator.Outcome.DISABLED);
  }

  @Test
  void glibcAcceptsTheThresholds() {
    assumeTrue(Platform.isLinux(), "mallopt is glibc's");
    String tunables = System.getenv("GLIBC_TUNABLES");
    assumeTrue(tunables == null || !tunables.contains("glibc.malloc."), "left to the environment");
    // glibc returns 0 for a threshold it refuses (above 32 MiB for mmap), so TUNED proves both
    // values were taken, and tuning twice (every Engines does) is harmless
    assertThat(NativeAllocator.retainFreedMemory(true)).isEqualTo(NativeAllocator.Outcome.TUNED);
    assertThat(NativeAllocator.retainFreedMemory(true)).isEqualTo(NativeAllocator.Outcome.TUNED);
  }
}
