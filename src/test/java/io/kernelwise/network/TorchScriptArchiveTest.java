package io.kernelwise.network;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

/**
 * The archive's layout, without an engine: what {@code torch.jit.save} writes (stored entries under
 * one folder, data 64-byte aligned, the version, pickles framed as protocol 2, one raw
 * little-endian storage per parameter in declaration order).
 */
class TorchScriptArchiveTest {
  @Test
  void layoutIsTorchJitSaves() throws Exception {
    ScriptModule module = ScriptModule.of(TestSpecs.seed3x3(), true, true);
    List<float[]> values = new ArrayList<>();
    for (ScriptModule.Param p : module.parameters()) {
      float[] v = new float[(int) p.elements()];
      v[0] = values.size() + 0.5f;
      values.add(v);
    }
    byte[] zip = TorchScriptArchive.write(module, values);

    Map<String, byte[]> entries = new LinkedHashMap<>();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
      for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
        assertThat(e.getMethod()).as(e.getName()).isEqualTo(ZipEntry.STORED);
        entries.put(e.getName(), in.readAllBytes());
      }
    }
    assertThat(entries.keySet())
        .allMatch(n -> n.startsWith("net/"))
        .contains(
            "net/version",
            "net/.data/version",
            "net/byteorder",
            "net/code/__torch__.py",
            "net/constants.pkl",
            "net/data.pkl",
            "net/data/0",
            "net/data/11");
    assertThat(new String(entries.get("net/version"))).isEqualTo("10\n");
    byte[] pkl = entries.get("net/data.pkl");
    assertThat(pkl[0] & 0xff).isEqualTo(0x80);
    assertThat(pkl[1]).isEqualTo((byte) 2);
    assertThat(pkl[pkl.length - 1]).isEqualTo((byte) '.');
    assertThat(new String(pkl, java.nio.charset.StandardCharsets.ISO_8859_1))
        .contains("__torch__\nNet\n", "torch._utils\n_rebuild_tensor_v2\n", "p11_bias", "training");
    String source = new String(entries.get("net/code/__torch__.py"));
    assertThat(source)
        .startsWith("class Net(Module):\n")
        .contains("__parameters__ = [\"p0_weight\", ", "  p0_weight : Tensor\n")
        .contains("torch.contiguous(x0, memory_format=2)", "x16 = torch.to(x15, 6)");
    assertThat(module.parameters()).hasSize(12);
    float first =
        ByteBuffer.wrap(entries.get("net/data/11")).order(ByteOrder.LITTLE_ENDIAN).getFloat(0);
    assertThat(first).isEqualTo(11.5f);

    // every entry's data starts on a 64-byte boundary (local header 30 + name + extra)
    ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
    int offset = 0;
    for (byte[] data : entries.values()) {
      assertThat(b.getInt(offset)).isEqualTo(0x04034b50);
      int start =
          offset + 30 + (b.getShort(offset + 26) & 0xffff) + (b.getShort(offset + 28) & 0xffff);
      assertThat(start % 64).isZero();
      offset = start + data.length;
    }
  }

  @Test
  void floatLiteralsNeverUseACapitalExponent() {
    assertThat(ScriptSink.number(0.5)).isEqualTo("0.5");
    assertThat(ScriptSink.number(1e-7)).isEqualTo("0.0000001");
    assertThat(ScriptSink.number(0)).isEqualTo("0.0");
  }

  @Test
  void cpuFlagsWithBf16AreRecognised() {
    assertThat(Precision.hasBf16Flag("processor : 0\nflags : fpu avx512f avx512_bf16 amx_tile\n"))
        .isTrue();
    assertThat(Precision.hasBf16Flag("flags : fpu amx_bf16\n")).isTrue();
    assertThat(Precision.hasBf16Flag("flags : fpu avx512f avx512_vnni\n")).isFalse();
  }
}
