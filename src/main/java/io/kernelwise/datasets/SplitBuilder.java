package io.kernelwise.datasets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes a tensor cache from splits already held as uint8 CHW bytes (the built-ins' formats). */
final class SplitBuilder {
  private static final int CIFAR_IMAGE = 3 * 32 * 32;

  private SplitBuilder() {}

  /** CIFAR-10 binary batches: records of 1 label byte then 3072 bytes (R, G, B planes of 32x32). */
  static CacheManifest fromCifar(
      List<String> classes, List<byte[]> trainBatches, byte[] test, Path out) throws IOException {
    ImageSplit train = cifarSplit(trainBatches);
    return write(classes, 3, 32, 32, train, cifarSplit(List.of(test)), out);
  }

  private static ImageSplit cifarSplit(List<byte[]> batches) throws IOException {
    int record = CIFAR_IMAGE + 1;
    int count = 0;
    for (byte[] b : batches) {
      if (b.length % record != 0) {
        throw new IOException("a CIFAR-10 batch is not a whole number of 3073-byte records");
      }
      count += b.length / record;
    }
    byte[] pixels = new byte[count * CIFAR_IMAGE];
    int[] labels = new int[count];
    int i = 0;
    for (byte[] b : batches) {
      for (int off = 0; off < b.length; off += record, i++) {
        labels[i] = b[off] & 0xFF;
        if (labels[i] > 9) {
          throw new IOException("CIFAR-10 label " + labels[i] + " is out of range");
        }
        System.arraycopy(b, off + 1, pixels, i * CIFAR_IMAGE, CIFAR_IMAGE);
      }
    }
    return new ImageSplit(count, pixels, labels);
  }

  static CacheManifest fromIdx(
      List<String> classes,
      BuiltinDataset.Idx trainImages,
      BuiltinDataset.Idx trainLabels,
      BuiltinDataset.Idx testImages,
      BuiltinDataset.Idx testLabels,
      Path out)
      throws IOException {
    int h = trainImages.dims()[1];
    int w = trainImages.dims()[2];
    return write(
        classes,
        1,
        h,
        w,
        idxSplit(trainImages, trainLabels, h, w, classes.size()),
        idxSplit(testImages, testLabels, h, w, classes.size()),
        out);
  }

  private static ImageSplit idxSplit(
      BuiltinDataset.Idx images, BuiltinDataset.Idx labels, int h, int w, int classes)
      throws IOException {
    int count = images.dims()[0];
    if (labels.dims()[0] != count || images.dims()[1] != h || images.dims()[2] != w) {
      throw new IOException("idx images and labels do not match");
    }
    int[] l = new int[count];
    for (int i = 0; i < count; i++) {
      l[i] = labels.data()[i] & 0xFF;
      if (l[i] >= classes) {
        throw new IOException("idx label " + l[i] + " is out of range");
      }
    }
    return new ImageSplit(count, images.data(), l);
  }

  static CacheManifest write(
      List<String> classes,
      int channels,
      int height,
      int width,
      ImageSplit train,
      ImageSplit test,
      Path out)
      throws IOException {
    Files.write(out.resolve("train.u8"), train.pixels());
    TensorCache.writeLabels(out.resolve("train.labels"), train.labels(), train.count());
    Files.write(out.resolve("test.u8"), test.pixels());
    TensorCache.writeLabels(out.resolve("test.labels"), test.labels(), test.count());
    int plane = height * width;
    float[] mean = new float[channels];
    float[] std = new float[channels];
    for (int c = 0; c < channels; c++) {
      long sum = 0;
      long sumSq = 0;
      byte[] p = train.pixels();
      for (int i = 0; i < train.count(); i++) {
        for (int j = (i * channels + c) * plane, end = j + plane; j < end; j++) {
          int v = p[j] & 0xFF;
          sum += v;
          sumSq += v * v;
        }
      }
      double n = (double) train.count() * plane;
      double m = sum / n / 255.0;
      mean[c] = (float) m;
      std[c] = (float) Math.sqrt(Math.max(0, sumSq / n / (255.0 * 255.0) - m * m));
    }
    CacheManifest manifest =
        new CacheManifest(
            CacheManifest.VERSION,
            classes,
            channels,
            height,
            width,
            train.count(),
            test.count(),
            perClass(train, classes.size()),
            perClass(test, classes.size()),
            mean,
            std,
            0,
            List.of());
    TensorCache.writeManifest(out, manifest);
    return manifest;
  }

  private static int[] perClass(ImageSplit split, int classes) {
    int[] counts = new int[classes];
    for (int i = 0; i < split.count(); i++) {
      counts[split.labels()[i]]++;
    }
    return counts;
  }
}
