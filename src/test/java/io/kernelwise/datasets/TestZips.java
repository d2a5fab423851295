package io.kernelwise.datasets;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;

/** Builds image-folder zips, good and hostile, in memory for tests. */
final class TestZips {
  private final Map<String, byte[]> entries = new LinkedHashMap<>();
  private int method = ZipEntry.DEFLATED;

  static TestZips create() {
    return new TestZips();
  }

  TestZips add(String name, byte[] bytes) {
    entries.put(name, bytes);
    return this;
  }

  TestZips stored() {
    method = ZipEntry.STORED;
    return this;
  }

  byte[] bytes() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      zip.setMethod(method);
      for (var e : entries.entrySet()) {
        ZipEntry entry = new ZipEntry(e.getKey());
        if (method == ZipEntry.STORED) {
          CRC32 crc = new CRC32();
          crc.update(e.getValue());
          entry.setSize(e.getValue().length);
          entry.setCompressedSize(e.getValue().length);
          entry.setCrc(crc.getValue());
        }
        zip.putNextEntry(entry);
        zip.write(e.getValue());
        zip.closeEntry();
      }
    }
    return out.toByteArray();
  }

  static byte[] image(String format, int width, int height, boolean gray, long seed)
      throws IOException {
    BufferedImage img =
        new BufferedImage(
            width, height, gray ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
    Random random = new Random(seed);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        img.setRGB(x, y, random.nextInt(0x1000000));
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (!ImageIO.write(img, format, out)) {
      throw new IOException("no writer for " + format);
    }
    return out.toByteArray();
  }

  static byte[] png(int width, int height, long seed) throws IOException {
    return image("png", width, height, false, seed);
  }

  /** A PNG whose IHDR declares {@code side x side} pixels, with no pixel data behind it. */
  static byte[] pngClaiming(int side) {
    ByteBuffer ihdr = ByteBuffer.allocate(17);
    ihdr.put("IHDR".getBytes()).putInt(side).putInt(side);
    ihdr.put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
    CRC32 crc = new CRC32();
    crc.update(ihdr.array());
    // an IDAT with the start of a zlib stream: a reader finds its header complete, then data
    byte[] idat = {'I', 'D', 'A', 'T', 0x78, (byte) 0x9c, 0, 0};
    CRC32 idatCrc = new CRC32();
    idatCrc.update(idat);
    ByteBuffer png = ByteBuffer.allocate(8 + 4 + 17 + 4 + 4 + idat.length + 4 + 12);
    png.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
    png.putInt(13).put(ihdr.array()).putInt((int) crc.getValue());
    png.putInt(idat.length - 4).put(idat).putInt((int) idatCrc.getValue());
    png.putInt(0).put("IEND".getBytes()).putInt(0xAE426082);
    return png.array();
  }

  /**
   * Rewrites the uncompressed size of every central-directory entry to {@code size}: a zip whose
   * headers lie about how much it inflates to.
   */
  static byte[] forgeDeclaredSizes(byte[] zip, int size) {
    return forgeDeclaredSize(zip, null, size);
  }

  /** Like {@link #forgeDeclaredSizes} for the entry named {@code name} only (null: all). */
  static byte[] forgeDeclaredSize(byte[] zip, String name, int size) {
    byte[] out = zip.clone();
    ByteBuffer b = ByteBuffer.wrap(out).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i + 46 <= out.length; i++) {
      if (b.getInt(i) == 0x02014b50) {
        int length = b.getShort(i + 28) & 0xFFFF;
        String entry = new String(out, i + 46, length, java.nio.charset.StandardCharsets.UTF_8);
        if (name == null || name.equals(entry)) {
          b.putInt(i + 24, size);
        }
      }
    }
    return out;
  }
}
