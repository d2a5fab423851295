package io.kernelwise.network;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * A zip of stored (uncompressed) entries whose data start on 64-byte boundaries, padded with an
 * extra field as {@code torch.jit.save}'s writer does ("FB" + length + 'Z's), so storages can be
 * mapped and read in place.
 */
final class StoredZip {
  private static final int ALIGNMENT = 64;
  private static final int DOS_DATE_1980 = (1 << 5) | 1; // 1980-01-01

  private record Entry(byte[] name, long crc, int size, int offset) {}

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final List<Entry> entries = new ArrayList<>();

  StoredZip add(String name, byte[] data) {
    byte[] n = name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    CRC32 crc = new CRC32();
    crc.update(data);
    int offset = out.size();
    int start = offset + 30 + n.length + 4;
    int padding = (ALIGNMENT - start % ALIGNMENT) % ALIGNMENT;
    int32(0x04034b50);
    int16(20); // version needed
    int16(0); // flags
    int16(0); // stored
    int16(0); // time
    int16(DOS_DATE_1980);
    int32((int) crc.getValue());
    int32(data.length);
    int32(data.length);
    int16(n.length);
    int16(4 + padding);
    out.write(n, 0, n.length);
    out.write('F');
    out.write('B');
    int16(padding);
    for (int i = 0; i < padding; i++) {
      out.write('Z');
    }
    out.write(data, 0, data.length);
    entries.add(new Entry(n, crc.getValue(), data.length, offset));
    return this;
  }

  byte[] finish() {
    int directory = out.size();
    for (Entry e : entries) {
      int32(0x02014b50);
      int16(20); // made by
      int16(20); // needed
      int16(0);
      int16(0);
      int16(0);
      int16(DOS_DATE_1980);
      int32((int) e.crc());
      int32(e.size());
      int32(e.size());
      int16(e.name().length);
      int16(0); // extra
      int16(0); // comment
      int16(0); // disk
      int16(0); // internal attributes
      int32(0); // external attributes
      int32(e.offset());
      out.write(e.name(), 0, e.name().length);
    }
    int size = out.size() - directory;
    int32(0x06054b50);
    int16(0);
    int16(0);
    int16(entries.size());
    int16(entries.size());
    int32(size);
    int32(directory);
    int16(0);
    return out.toByteArray();
  }

  private void int16(int v) {
    out.write(v & 0xff);
    out.write((v >>> 8) & 0xff);
  }

  private void int32(int v) {
    int16(v & 0xffff);
    int16(v >>> 16);
  }
}
