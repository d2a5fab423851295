package io.kernelwise.architecture;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The analysis as a plain-text table, like Keras {@code model.summary()} or torchinfo. */
final class SummaryTable {
  private static final String[] HEADERS = {
    "Layer (path)", "Type", "Output shape", "Param #", "MACs", "Receptive field", "Dense/weights"
  };

  private SummaryTable() {}

  static String render(ArchitectureSpec spec, Analysis a) {
    List<String[]> rows = new ArrayList<>();
    for (Analysis.Layer l : a.layers()) {
      rows.add(
          new String[] {
            l.path(),
            l.type(),
            shape(l.outputShape()),
            number(l.parameters()),
            number(l.macs()),
            l.receptiveField().get(0) + "x" + l.receptiveField().get(1),
            l.weightRatioVsDense() == null ? "" : ratio(l.weightRatioVsDense())
          });
    }
    int[] width = new int[HEADERS.length];
    for (int i = 0; i < HEADERS.length; i++) {
      width[i] = HEADERS[i].length();
      for (String[] r : rows) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    int total = 0;
    for (int w : width) {
      total += w + 2;
    }
    StringBuilder sb = new StringBuilder();
    InputShape in = spec.input();
    sb.append("Architecture: \"")
        .append(spec.name())
        .append("\"  input [")
        .append(in.channels())
        .append(", ")
        .append(in.height())
        .append(", ")
        .append(in.width())
        .append("]  classes ")
        .append(spec.classes())
        .append('\n');
    sb.append("-".repeat(total)).append('\n');
    line(sb, HEADERS, width);
    sb.append("=".repeat(total)).append('\n');
    for (String[] r : rows) {
      line(sb, r, width);
    }
    sb.append("=".repeat(total)).append('\n');
    Analysis.Parameters p = a.parameters();
    sb.append("Total params: ")
        .append(number(p.total()))
        .append(" (")
        .append(bytes(a.memory().parametersBytes()))
        .append(")\n");
    sb.append("Trainable params: ").append(number(p.trainable())).append('\n');
    sb.append("Non-trainable params: ").append(number(p.nonTrainable())).append('\n');
    sb.append("MACs per image: ").append(number(a.macs())).append('\n');
    sb.append("Output shape: ").append(shape(a.outputShape())).append('\n');
    sb.append("Receptive field: ")
        .append(a.receptiveField().get(0))
        .append("x")
        .append(a.receptiveField().get(1))
        .append('\n');
    sb.append("Activations per image (float32): ")
        .append(bytes(a.memory().activationBytesPerImage()))
        .append('\n');
    sb.append("-".repeat(total)).append('\n');
    return sb.toString();
  }

  private static void line(StringBuilder sb, String[] cells, int[] width) {
    StringBuilder l = new StringBuilder();
    for (int i = 0; i < cells.length; i++) {
      boolean numeric = i >= 3;
      String c = cells[i];
      String pad = " ".repeat(width[i] - c.length());
      l.append(numeric ? pad + c : c + pad).append("  ");
    }
    sb.append(l.toString().stripTrailing()).append('\n');
  }

  private static String shape(List<Long> s) {
    return s.toString();
  }

  private static String number(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  private static String ratio(double r) {
    return r >= 1e6
        ? String.format(Locale.ROOT, "%.3g", r)
        : String.format(Locale.ROOT, "%,.1f", r);
  }

  private static String bytes(long b) {
    if (b < 1024) {
      return b + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = b;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.2f %s", v, units[u]);
  }
}
