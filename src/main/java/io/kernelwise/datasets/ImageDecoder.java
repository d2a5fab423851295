package io.kernelwise.datasets;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes JPEG and PNG bytes into uint8 CHW pixels. Not thread-safe: each ingest worker owns one,
 * so the ImageIO readers are created once per worker rather than once per image.
 */
final class ImageDecoder implements AutoCloseable {

  /** What an image's header says, read without decoding the pixels. */
  record Header(int width, int height, boolean gray) {}

  /** A file that is not a readable JPEG/PNG; the message is what a person sees in the report. */
  static final class BadImageException extends Exception {
    BadImageException(String message) {
      super(message);
    }
  }

  // The JDK's JPEG reader decodes plain YCbCr/gray JPEGs about 3x faster than TwelveMonkeys'
  // (which wraps it); TwelveMonkeys reads what the JDK cannot (CMYK, broken markers, odd ICC).
  private final ImageReader jpeg = reader("jpeg", true);
  private final ImageReader robustJpeg = reader("jpeg", false);
  private final ImageReader png = reader("png", true);

  /**
   * Reads format and dimensions from the header only; nothing is decoded. JPEG SOF and PNG IHDR are
   * parsed directly (an ImageIO reader spends more time setting up than reading them); other
   * variants fall back to the ImageIO reader's header.
   */
  Header header(byte[] bytes) throws BadImageException {
    ImageReader reader = readerFor(bytes);
    Header parsed = reader == png ? pngHeader(bytes) : jpegHeader(bytes);
    if (parsed != null) {
      if (parsed.width() < 1 || parsed.height() < 1) {
        throw new BadImageException("header declares an empty image");
      }
      return parsed;
    }
    return readerHeader(reader, bytes);
  }

  /** IHDR is the first chunk: width, height, bit depth, color type (0 and 4 are gray). */
  private static Header pngHeader(byte[] b) {
    if (b.length < 26 || b[12] != 'I' || b[13] != 'H' || b[14] != 'D' || b[15] != 'R') {
      return null;
    }
    int colorType = b[25] & 0xFF;
    return new Header(int32(b, 16), int32(b, 20), colorType == 0 || colorType == 4);
  }

  /** Walks the marker segments up to the first SOFn: height, width, number of components. */
  private static Header jpegHeader(byte[] b) {
    int i = 2;
    while (i + 9 < b.length) {
      if ((b[i] & 0xFF) != 0xFF) {
        return null;
      }
      int marker = b[i + 1] & 0xFF;
      if (marker == 0xFF) {
        i++; // fill byte
        continue;
      }
      int length = ((b[i + 2] & 0xFF) << 8) | (b[i + 3] & 0xFF);
      boolean sof =
          marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
      if (sof) {
        int height = ((b[i + 5] & 0xFF) << 8) | (b[i + 6] & 0xFF);
        int width = ((b[i + 7] & 0xFF) << 8) | (b[i + 8] & 0xFF);
        int components = b[i + 9] & 0xFF;
        // height 0 means "defined later by DNL": let the ImageIO reader work it out
        return height == 0 ? null : new Header(width, height, components == 1);
      }
      if (marker == 0xD9 || marker == 0xDA || length < 2) {
        return null;
      }
      i += 2 + length;
    }
    return null;
  }

  private static int int32(byte[] b, int at) {
    return ((b[at] & 0xFF) << 24)
        | ((b[at + 1] & 0xFF) << 16)
        | ((b[at + 2] & 0xFF) << 8)
        | (b[at + 3] & 0xFF);
  }

  private Header readerHeader(ImageReader reader, byte[] bytes) throws BadImageException {
    try (ImageInputStream in = input(bytes)) {
      reader.setInput(in, true, true);
      int width = reader.getWidth(0);
      int height = reader.getHeight(0);
      if (width < 1 || height < 1) {
        throw new BadImageException("header declares an empty image");
      }
      return new Header(width, height, isGray(reader));
    } catch (IOException | RuntimeException e) {
      throw new BadImageException("unreadable image header: " + message(e));
    } finally {
      reader.reset();
    }
  }

  /**
   * Decodes into {@code out} (channels x height x width bytes, RGB order for 3 channels), resizing
   * bilinearly when the image is not {@code width x height}.
   */
  void decode(byte[] bytes, int channels, int height, int width, byte[] out)
      throws BadImageException {
    ImageReader reader = readerFor(bytes);
    BufferedImage image;
    try {
      image = read(reader, bytes);
    } catch (IOException | RuntimeException e) {
      if (reader != jpeg || robustJpeg == jpeg) {
        throw new BadImageException("cannot decode: " + message(e));
      }
      try {
        image = read(robustJpeg, bytes);
      } catch (IOException | RuntimeException again) {
        throw new BadImageException("cannot decode: " + message(again));
      }
    }
    if (image.getWidth() != width || image.getHeight() != height) {
      image = resize(image, width, height);
    }
    toChw(image, channels, out);
  }

  private static BufferedImage read(ImageReader reader, byte[] bytes) throws IOException {
    try (ImageInputStream in = input(bytes)) {
      reader.setInput(in, true, true);
      return reader.read(0);
    } finally {
      reader.reset();
    }
  }

  @Override
  public void close() {
    jpeg.dispose();
    robustJpeg.dispose();
    png.dispose();
  }

  private ImageReader readerFor(byte[] b) throws BadImageException {
    if (b.length > 3 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8) {
      return jpeg;
    }
    if (b.length > 8
        && (b[0] & 0xFF) == 0x89
        && b[1] == 'P'
        && b[2] == 'N'
        && b[3] == 'G'
        && b[4] == '\r') {
      return png;
    }
    throw new BadImageException("not a JPEG or PNG image");
  }

  private static ImageInputStream input(byte[] bytes) {
    // In-memory stream: ImageIO.read(InputStream) would spill to a temp file per image.
    return new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes));
  }

  private static boolean isGray(ImageReader reader) throws IOException {
    ImageTypeSpecifier type = reader.getRawImageType(0);
    if (type == null) {
      Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
      type = types.hasNext() ? types.next() : null;
    }
    return type != null && type.getColorModel().getNumColorComponents() == 1;
  }

  private static BufferedImage resize(BufferedImage source, int width, int height) {
    int type =
        source.getColorModel().getNumColorComponents() == 1
            ? BufferedImage.TYPE_BYTE_GRAY
            : BufferedImage.TYPE_3BYTE_BGR;
    BufferedImage target = new BufferedImage(width, height, type);
    Graphics2D g = target.createGraphics();
    try {
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
      g.drawImage(source, 0, 0, width, height, null);
    } finally {
      g.dispose();
    }
    return target;
  }

  /** Copies pixels as CHW; gray sources are replicated into 3 channels when asked for RGB. */
  static void toChw(BufferedImage image, int channels, byte[] out) {
    int w = image.getWidth();
    int h = image.getHeight();
    int plane = w * h;
    Raster raster = image.getRaster();
    if (image.getType() == BufferedImage.TYPE_3BYTE_BGR && channels == 3) {
      byte[] bgr = ((DataBufferByte) raster.getDataBuffer()).getData();
      for (int i = 0, p = 0; i < plane; i++, p += 3) {
        out[i] = bgr[p + 2];
        out[plane + i] = bgr[p + 1];
        out[2 * plane + i] = bgr[p];
      }
      return;
    }
    if (image.getColorModel().getNumColorComponents() == 1) {
      byte[] gray = grayPlane(image);
      for (int c = 0; c < channels; c++) {
        System.arraycopy(gray, 0, out, c * plane, plane);
      }
      return;
    }
    int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
    for (int i = 0; i < plane; i++) {
      int v = argb[i];
      if (channels == 3) {
        out[i] = (byte) (v >> 16);
        out[plane + i] = (byte) (v >> 8);
        out[2 * plane + i] = (byte) v;
      } else {
        // Only reached for a color image in a gray dataset, which ingest never produces.
        out[i] =
            (byte) ((((v >> 16) & 0xFF) * 299 + ((v >> 8) & 0xFF) * 587 + (v & 0xFF) * 114) / 1000);
      }
    }
  }

  private static byte[] grayPlane(BufferedImage image) {
    Raster raster = image.getRaster();
    int w = image.getWidth();
    int h = image.getHeight();
    if (image.getType() == BufferedImage.TYPE_BYTE_GRAY
        && raster.getDataBuffer() instanceof DataBufferByte data
        && data.getData().length == w * h) {
      return data.getData();
    }
    // Other gray layouts (16-bit, gray + alpha, sub-byte): scale band 0 to 8 bits.
    int bits = image.getColorModel().getComponentSize(0);
    int[] samples = raster.getSamples(0, 0, w, h, 0, (int[]) null);
    byte[] gray = new byte[w * h];
    for (int i = 0; i < gray.length; i++) {
      int s = samples[i];
      gray[i] = (byte) (bits >= 8 ? s >> (bits - 8) : s * 255 / ((1 << bits) - 1));
    }
    return gray;
  }

  /** The JDK's own reader ({@code jdk} true) or the first plug-in one, else whichever exists. */
  private static ImageReader reader(String format, boolean jdk) {
    ImageReader chosen = null;
    for (Iterator<ImageReader> it = ImageIO.getImageReadersByFormatName(format); it.hasNext(); ) {
      ImageReader r = it.next();
      boolean isJdk = r.getClass().getName().startsWith("com.sun.imageio.");
      if (chosen == null || isJdk == jdk) {
        if (chosen != null) {
          chosen.dispose();
        }
        chosen = r;
        if (isJdk == jdk) {
          return chosen;
        }
      } else {
        r.dispose();
      }
    }
    if (chosen == null) {
      throw new IllegalStateException("no ImageIO reader for " + format);
    }
    return chosen;
  }

  private static String message(Throwable e) {
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m;
  }
}
