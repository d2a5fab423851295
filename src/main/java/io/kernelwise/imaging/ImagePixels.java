package io.kernelwise.imaging;

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
 * The one way Kernelwise turns image bytes into uint8 CHW pixels, used by dataset ingest (what a
 * model trains on) and by inference (what it is served), so both see the same pixels for the same
 * file: JPEG/PNG only; header read (for the caller's size limit) before any pixel is decoded; alpha
 * dropped, grey samples taken as stored (16-bit scaled to 8), palette and CMYK to RGB; then colour
 * to grey (BT.601 luma) or grey to RGB (replicated) for the requested channels; then a bilinear
 * resize when the size differs. Not thread-safe: each worker owns one, so the ImageIO readers are
 * created once per worker rather than once per image.
 */
public final class ImagePixels implements AutoCloseable {

  /** What an image's header says, read without decoding the pixels. */
  public record Header(int width, int height, boolean gray) {}

  /** A file that is not a readable JPEG/PNG; the message is what a person sees. */
  public static final class BadImageException extends Exception {
    public BadImageException(String message) {
      super(message);
    }
  }

  // The JDK's JPEG reader decodes plain YCbCr/gray JPEGs about 3x faster than TwelveMonkeys'
  // (which wraps it); TwelveMonkeys reads what the JDK cannot (CMYK, broken markers, odd ICC).
  private final ImageReader jpeg = reader("jpeg", true);
  private final ImageReader robustJpeg = reader("jpeg", false);
  private final ImageReader png = reader("png", true);
  private final boolean rejectWarnings;

  /**
   * Lenient, as ingest has always been: a decoder warning (e.g. truncated data) is not an error.
   */
  public ImagePixels() {
    this(false);
  }

  /**
   * {@code rejectWarnings}: a decoder warning (e.g. a truncated JPEG, which ImageIO fills with
   * grey) fails the decode instead of returning made-up pixels.
   */
  public ImagePixels(boolean rejectWarnings) {
    this.rejectWarnings = rejectWarnings;
  }

  /**
   * Reads format and dimensions from the header only; nothing is decoded. JPEG SOF and PNG IHDR are
   * parsed directly (an ImageIO reader spends more time setting up than reading them); other
   * variants fall back to the ImageIO reader's header.
   */
  public Header header(byte[] bytes) throws BadImageException {
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
   * bilinearly when the image is not {@code width x height}. Call {@link #header} first to check
   * the size against the caller's limit.
   */
  public void decode(byte[] bytes, int channels, int height, int width, byte[] out)
      throws BadImageException {
    ImageReader reader = readerFor(bytes);
    BufferedImage image;
    try {
      image = read(reader, bytes);
    } catch (DecoderWarning e) {
      throw new BadImageException("damaged or truncated image: " + e.getMessage());
    } catch (IOException | RuntimeException e) {
      if (reader != jpeg || robustJpeg == jpeg) {
        throw new BadImageException("cannot decode: " + message(e));
      }
      try {
        image = read(robustJpeg, bytes);
      } catch (DecoderWarning again) {
        throw new BadImageException("damaged or truncated image: " + again.getMessage());
      } catch (IOException | RuntimeException again) {
        throw new BadImageException("cannot decode: " + message(again));
      }
    }
    toChw(image, channels, height, width, out);
  }

  private BufferedImage read(ImageReader reader, byte[] bytes) throws IOException {
    try (ImageInputStream in = input(bytes)) {
      reader.setInput(in, true, true);
      StringBuilder warnings = new StringBuilder();
      if (rejectWarnings) {
        reader.addIIOReadWarningListener((source, warning) -> warnings.append(warning));
      }
      BufferedImage image = reader.read(0);
      if (!warnings.isEmpty()) {
        throw new DecoderWarning(warnings.toString());
      }
      return image;
    } finally {
      reader.reset(); // also removes the listener
    }
  }

  private static final class DecoderWarning extends RuntimeException {
    DecoderWarning(String message) {
      super(message, null, false, false);
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

  /**
   * Converts a decoded image to {@code channels x height x width} uint8 CHW pixels: first to an
   * opaque 8-bit grey or RGB image (so alpha never darkens a resize and Java2D never colour-manages
   * grey), then to the requested channels, then a bilinear resize between images of one type.
   */
  public static void toChw(BufferedImage decoded, int channels, int height, int width, byte[] out) {
    BufferedImage image = opaque8Bit(decoded, channels);
    if (image.getWidth() != width || image.getHeight() != height) {
      image = resize(image, width, height);
    }
    int plane = width * height;
    byte[] data = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    if (image.getType() == BufferedImage.TYPE_BYTE_GRAY) {
      for (int c = 0; c < channels; c++) {
        System.arraycopy(data, 0, out, c * plane, plane);
      }
      return;
    }
    for (int i = 0, p = 0; i < plane; i++, p += 3) {
      out[i] = data[p + 2];
      out[plane + i] = data[p + 1];
      out[2 * plane + i] = data[p];
    }
  }

  /**
   * An opaque TYPE_BYTE_GRAY (grey sources, or any source when one channel is asked for) or
   * TYPE_3BYTE_BGR image; the common decoder outputs pass through without a copy.
   */
  private static BufferedImage opaque8Bit(BufferedImage image, int channels) {
    int w = image.getWidth();
    int h = image.getHeight();
    boolean grayTarget = channels == 1 || image.getColorModel().getNumColorComponents() == 1;
    if (isPacked(image, grayTarget)) {
      return image;
    }
    BufferedImage out =
        new BufferedImage(
            w, h, grayTarget ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
    byte[] data = ((DataBufferByte) out.getRaster().getDataBuffer()).getData();
    if (image.getColorModel().getNumColorComponents() == 1) {
      byte[] gray = grayPlane(image);
      if (grayTarget) {
        System.arraycopy(gray, 0, data, 0, gray.length);
      } else {
        for (int i = 0, p = 0; i < gray.length; i++, p += 3) {
          data[p] = data[p + 1] = data[p + 2] = gray[i];
        }
      }
      return out;
    }
    // getRGB: palette, 16-bit and alpha (dropped, not premultiplied) all become 8-bit sRGB
    int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
    for (int i = 0, p = 0; i < argb.length; i++, p += 3) {
      int v = argb[i];
      int r = (v >> 16) & 0xFF;
      int g = (v >> 8) & 0xFF;
      int b = v & 0xFF;
      if (grayTarget) {
        data[i] = (byte) ((r * 299 + g * 587 + b * 114) / 1000); // BT.601 luma
      } else {
        data[p] = (byte) b;
        data[p + 1] = (byte) g;
        data[p + 2] = (byte) r;
      }
    }
    return out;
  }

  private static boolean isPacked(BufferedImage image, boolean gray) {
    int type = gray ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR;
    return image.getType() == type
        && image.getRaster().getDataBuffer() instanceof DataBufferByte data
        && data.getData().length == image.getWidth() * image.getHeight() * (gray ? 1 : 3);
  }

  /** Bilinear, from and to the same opaque 8-bit type: no colour conversion, no alpha. */
  private static BufferedImage resize(BufferedImage source, int width, int height) {
    BufferedImage target = new BufferedImage(width, height, source.getType());
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
