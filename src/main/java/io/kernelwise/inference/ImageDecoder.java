package io.kernelwise.inference;

import io.kernelwise.system.ApiException;
import io.kernelwise.system.KernelwiseProperties;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.springframework.stereotype.Component;

/**
 * Decodes uploaded images defensively: the dimensions are read from the header and checked against
 * {@code maxImagePixels} before any pixel is decoded (a 50,000 x 50,000 header would need 10 GB),
 * and a decoder warning (e.g. a truncated JPEG, which ImageIO otherwise fills with grey) is an
 * error.
 */
@Component
class ImageDecoder {
  private final long maxImagePixels;
  private final long maxImageBytes;

  ImageDecoder(KernelwiseProperties properties) {
    this.maxImagePixels = properties.inference().maxImagePixels();
    this.maxImageBytes = properties.inference().maxImageSize().toBytes();
  }

  long maxImageBytes() {
    return maxImageBytes;
  }

  BufferedImage decode(byte[] bytes, String field) {
    if (bytes.length == 0) {
      throw ApiException.invalid(field, "is empty (0 bytes); send a JPEG or PNG image");
    }
    if (bytes.length > maxImageBytes) {
      throw ApiException.tooLarge(
          field + ": the image is larger than kernelwise.inference.max-image-size");
    }
    // in-memory stream: ImageIO.createImageInputStream would cache through a temp file
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw ApiException.invalid(field, "is not an image ImageIO can read; send a JPEG or PNG");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        long width = reader.getWidth(0);
        long height = reader.getHeight(0);
        if (width <= 0 || height <= 0) {
          throw ApiException.invalid(field, "has no pixels");
        }
        if (width * height > maxImagePixels) {
          throw ApiException.overLimit(
              field,
              "the image header says "
                  + width
                  + " x "
                  + height
                  + " pixels, more than kernelwise.inference.max-image-pixels ("
                  + maxImagePixels
                  + ")");
        }
        StringBuilder warnings = new StringBuilder();
        reader.addIIOReadWarningListener((source, warning) -> warnings.append(warning));
        BufferedImage image = reader.read(0);
        if (!warnings.isEmpty()) {
          throw ApiException.invalid(field, "is a damaged or truncated image: " + warnings);
        }
        return image;
      } finally {
        reader.dispose();
      }
    } catch (ApiException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw ApiException.invalid(
          field, "is a damaged or truncated image (" + e.getClass().getSimpleName() + ")");
    }
  }
}
