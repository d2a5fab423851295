package io.kernelwise.datasets;

import java.io.IOException;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * An upload whose central directory passed every structural check: the classes and, per split, the
 * entries to decode. Holds the zip open until closed.
 */
final class ZipPlan implements AutoCloseable {

  /** One image entry and the index of its class. */
  record Item(ZipEntry entry, int label) {}

  final ZipFile zip;
  final List<String> classes;
  final List<Item> train;
  final List<Item> test;
  final List<SkippedFile> ignored;

  ZipPlan(
      ZipFile zip,
      List<String> classes,
      List<Item> train,
      List<Item> test,
      List<SkippedFile> ignored) {
    this.zip = zip;
    this.classes = classes;
    this.train = train;
    this.test = test;
    this.ignored = ignored;
  }

  @Override
  public void close() throws IOException {
    zip.close();
  }
}
