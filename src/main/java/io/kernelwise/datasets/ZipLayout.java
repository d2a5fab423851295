package io.kernelwise.datasets;

import io.kernelwise.system.ApiException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * The first pass of an ingest, on the central directory only: entry count, names (no traversal, no
 * absolute paths), declared sizes, layout ({@code <class>/<img>} or {@code
 * train|test/<class>/<img>}, one wrapper folder stripped), class count. Nothing is inflated.
 */
final class ZipLayout {
  private static final Set<String> TRAIN = Set.of("train", "training");
  private static final Set<String> TEST = Set.of("test", "testing", "val", "valid", "validation");

  private final IngestLimits limits;

  ZipLayout(IngestLimits limits) {
    this.limits = limits;
  }

  /** Checks the archive's structure; the caller closes the plan. Throws 400 on any problem. */
  ZipPlan plan(Path zipFile) throws IOException {
    ZipFile zip;
    try {
      zip = new ZipFile(zipFile.toFile());
    } catch (ZipException e) {
      throw ApiException.invalid(
          ZipIngest.FIELD, "is not a readable zip archive (" + e.getMessage() + ")");
    }
    try {
      ZipPlan plan = layout(zip);
      zip = null; // owned by the plan now
      return plan;
    } finally {
      if (zip != null) {
        zip.close();
      }
    }
  }

  private record File(ZipEntry entry, List<String> segments) {}

  private ZipPlan layout(ZipFile zip) {
    List<File> files = new ArrayList<>();
    List<SkippedFile> ignored = new ArrayList<>();
    long declared = 0;
    int entries = 0;
    Enumeration<? extends ZipEntry> all;
    try {
      all = zip.entries();
    } catch (IllegalStateException e) {
      throw ApiException.invalid(ZipIngest.FIELD, "is not a readable zip archive");
    }
    while (all.hasMoreElements()) {
      ZipEntry entry = all.nextElement();
      if (++entries > limits.maxEntries()) {
        throw ApiException.overLimit(
            ZipIngest.FIELD, "has more than " + limits.maxEntries() + " entries (maxEntries)");
      }
      List<String> segments = safeSegments(entry.getName());
      if (entry.isDirectory() || isJunk(segments)) {
        continue;
      }
      if (entry.getSize() <= limits.maxImageBytes()) { // larger ones are skipped unread
        declared += Math.max(0, entry.getSize());
      }
      if (declared > limits.maxUncompressedBytes()) {
        throw ApiException.overLimit(
            ZipIngest.FIELD,
            "declares more than " + limits.maxUncompressedBytes() + " uncompressed bytes");
      }
      files.add(new File(entry, segments));
    }
    if (files.isEmpty()) {
      throw ApiException.invalid(ZipIngest.FIELD, "the zip archive holds no files");
    }
    files = stripWrapper(files);
    boolean split = files.stream().anyMatch(f -> TRAIN.contains(lower(f.segments.get(0))));
    Map<String, List<File>> train = new HashMap<>();
    Map<String, List<File>> test = new HashMap<>();
    for (File f : files) {
      List<String> s = f.segments;
      String name = f.entry.getName();
      Map<String, List<File>> target = train;
      int classAt = 0;
      if (split) {
        String top = lower(s.get(0));
        if (TEST.contains(top)) {
          target = test;
        } else if (!TRAIN.contains(top)) {
          SkippedFile.report(ignored, name, "outside the train/ and test/ folders");
          continue;
        }
        classAt = 1;
      }
      if (s.size() < classAt + 2) {
        SkippedFile.report(ignored, name, "not inside a class folder");
        continue;
      }
      if (!isImageName(s.get(s.size() - 1))) {
        SkippedFile.report(ignored, name, "not a .jpg, .jpeg or .png file");
        continue;
      }
      target.computeIfAbsent(s.get(classAt), k -> new ArrayList<>()).add(f);
    }
    List<String> classes = new ArrayList<>(new TreeSet<>(train.keySet()));
    if (classes.isEmpty()) {
      throw ApiException.invalid(
          ZipIngest.FIELD,
          "has no class folders with images: expected <class>/<image>.jpg|png or"
              + " train/<class>/<image> and test/<class>/<image>");
    }
    if (classes.size() < 2) {
      throw ApiException.invalid(
          ZipIngest.FIELD, "needs at least 2 class folders, found only '" + classes.get(0) + "'");
    }
    if (classes.size() > limits.maxClasses()) {
      throw ApiException.overLimit(
          ZipIngest.FIELD,
          "has "
              + classes.size()
              + " class folders, more than "
              + limits.maxClasses()
              + " (maxClasses)");
    }
    for (String c : new TreeSet<>(test.keySet())) {
      if (!train.containsKey(c)) {
        throw ApiException.invalid(
            ZipIngest.FIELD, "test class folder '" + c + "' has no matching train folder");
      }
    }
    return new ZipPlan(zip, classes, items(train, classes), items(test, classes), ignored);
  }

  private static List<ZipPlan.Item> items(Map<String, List<File>> byClass, List<String> classes) {
    List<ZipPlan.Item> items = new ArrayList<>();
    for (int label = 0; label < classes.size(); label++) {
      List<File> files = new ArrayList<>(byClass.getOrDefault(classes.get(label), List.of()));
      files.sort((a, b) -> a.entry.getName().compareTo(b.entry.getName()));
      for (File f : files) {
        items.add(new ZipPlan.Item(f.entry, label));
      }
    }
    return items;
  }

  /** A single top-level folder wrapping everything ({@code cifar10/train/...}) is not a class. */
  private static List<File> stripWrapper(List<File> files) {
    String first = files.get(0).segments.get(0);
    boolean wrapped =
        !TRAIN.contains(lower(first))
            && !TEST.contains(lower(first))
            && files.stream()
                .allMatch(f -> f.segments.size() >= 3 && f.segments.get(0).equals(first));
    if (!wrapped) {
      return files;
    }
    return files.stream()
        .map(f -> new File(f.entry, f.segments.subList(1, f.segments.size())))
        .toList();
  }

  /** Path segments of an entry name; traversal and absolute names are refused, not cleaned. */
  static List<String> safeSegments(String name) {
    if (name.indexOf('\0') >= 0) {
      throw ApiException.invalid(ZipIngest.FIELD, "entry name contains a NUL character");
    }
    String n = name.replace('\\', '/');
    boolean drive = n.length() >= 2 && n.charAt(1) == ':' && Character.isLetter(n.charAt(0));
    if (n.startsWith("/") || drive) {
      throw ApiException.invalid(
          ZipIngest.FIELD, "entry '" + name + "' has an absolute path; entries must be relative");
    }
    List<String> segments = new ArrayList<>();
    for (String s : n.split("/")) {
      if (s.equals("..")) {
        throw ApiException.invalid(
            ZipIngest.FIELD, "entry '" + name + "' tries to leave the archive (path traversal)");
      }
      if (!s.isEmpty() && !s.equals(".")) {
        segments.add(s);
      }
    }
    if (segments.isEmpty()) {
      throw ApiException.invalid(ZipIngest.FIELD, "entry '" + name + "' has an empty name");
    }
    return segments;
  }

  private static boolean isJunk(List<String> segments) {
    for (String s : segments) {
      if (s.startsWith(".") || s.equals("__MACOSX")) {
        return true;
      }
    }
    String last = lower(segments.get(segments.size() - 1));
    return last.equals("thumbs.db") || last.equals("desktop.ini");
  }

  private static boolean isImageName(String file) {
    String f = lower(file);
    return f.endsWith(".jpg") || f.endsWith(".jpeg") || f.endsWith(".png");
  }

  private static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
