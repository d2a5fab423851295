package io.kernelwise.inference;

import io.kernelwise.imaging.ImagePixels;
import io.kernelwise.system.ApiException;
import io.kernelwise.system.KernelwiseProperties;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Turns an upload into the uint8 CHW pixels a model sees, with the very code dataset ingest used
 * for its training images ({@link ImagePixels}), so a file is served exactly as it was trained.
 * Defensive: the dimensions are read from the header and checked against {@code maxImagePixels}
 * before any pixel is decoded (a 50,000 x 50,000 header would need 10 GB), and a decoder warning
 * (e.g. a truncated JPEG, which ImageIO otherwise fills with grey) is an error.
 */
@Component
class ImageDecoder {
  private final long maxImagePixels;
  private final long maxImageBytes;
  // ImagePixels is not thread-safe but cheap to keep: one per concurrent request, reused
  private final Queue<ImagePixels> idle = new ConcurrentLinkedQueue<>();

  @Autowired
  ImageDecoder(KernelwiseProperties properties) {
    this(properties.inference().maxImageSize().toBytes(), properties.inference().maxImagePixels());
  }

  /** For tests: the limits without the whole configuration. */
  ImageDecoder(long maxImageBytes, long maxImagePixels) {
    this.maxImageBytes = maxImageBytes;
    this.maxImagePixels = maxImagePixels;
  }

  long maxImageBytes() {
    return maxImageBytes;
  }

  /** {@code channels x height x width} uint8 pixels, or a 4xx naming {@code field}. */
  byte[] pixels(byte[] bytes, String field, int channels, int height, int width) {
    if (bytes.length == 0) {
      throw ApiException.invalid(field, "is empty (0 bytes); send a JPEG or PNG image");
    }
    if (bytes.length > maxImageBytes) {
      throw ApiException.tooLarge(
          field + ": the image is larger than kernelwise.inference.max-image-size");
    }
    ImagePixels decoder = idle.poll();
    if (decoder == null) {
      decoder = new ImagePixels(true);
    }
    try {
      ImagePixels.Header header;
      try {
        header = decoder.header(bytes);
      } catch (ImagePixels.BadImageException e) {
        throw ApiException.invalid(field, "is not a readable JPEG or PNG image: " + e.getMessage());
      }
      long pixels = (long) header.width() * header.height();
      if (pixels > maxImagePixels) {
        throw ApiException.overLimit(
            field,
            "the image header says "
                + header.width()
                + " x "
                + header.height()
                + " pixels, more than kernelwise.inference.max-image-pixels ("
                + maxImagePixels
                + ")");
      }
      byte[] out = new byte[channels * height * width];
      try {
        decoder.decode(bytes, channels, height, width, out);
      } catch (ImagePixels.BadImageException e) {
        throw ApiException.invalid(
            field, "is a damaged or truncated image (" + e.getMessage() + ")");
      }
      return out;
    } finally {
      idle.offer(decoder);
    }
  }
}
