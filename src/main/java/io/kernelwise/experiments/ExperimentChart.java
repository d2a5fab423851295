package io.kernelwise.experiments;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Rectangle;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.text.DecimalFormat;
import java.text.NumberFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.text.TextUtils;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;

/**
 * Renders validation accuracy per epoch, one line per architecture, with JFreeChart; SVG through
 * JFreeSVG (text stays text, so names are searchable), PNG through JFreeChart's encoder. Headless:
 * no display is needed.
 */
final class ExperimentChart {
  static {
    // Spring Boot sets this too; set here as well so rendering never looks for a display
    System.setProperty("java.awt.headless", "true");
    // JFreeChart's workaround for old JDK bugs draws rotated text (the y-axis label) as glyph
    // outlines: in SVG the label would be shapes, not text. Current Java2D rotates text fine.
    TextUtils.setUseDrawRotatedStringWorkaround(false);
  }

  /** What the chart shows. */
  record Data(String title, String datasetId, List<Line> lines) {
    Data {
      lines = List.copyOf(lines);
    }
  }

  /** One architecture's line: {@code points} are {@code [epoch, valAccuracy]}. */
  record Line(String name, long parameters, List<double[]> points) {
    Line {
      points = List.copyOf(points);
    }
  }

  enum Format {
    SVG("image/svg+xml"),
    PNG("image/png");

    final String mediaType;

    Format(String mediaType) {
      this.mediaType = mediaType;
    }
  }

  private ExperimentChart() {}

  static byte[] render(Data data, Format format, int width, int height) {
    JFreeChart chart = chart(data);
    return switch (format) {
      case SVG -> svg(chart, width, height);
      case PNG -> png(chart, width, height);
    };
  }

  static JFreeChart chart(Data data) {
    XYSeriesCollection series = new XYSeriesCollection();
    Set<String> keys = new HashSet<>();
    NumberFormat count = NumberFormat.getIntegerInstance(Locale.ROOT);
    count.setGroupingUsed(true);
    for (int i = 0; i < data.lines().size(); i++) {
      Line line = data.lines().get(i);
      String key = line.name() + " (" + count.format(line.parameters()) + " params)";
      if (!keys.add(key)) { // series keys must be unique; two architectures may share a name
        key = key + " #" + (i + 1);
        keys.add(key);
      }
      XYSeries s = new XYSeries(key, true, false);
      for (double[] p : line.points()) {
        s.add(p[0], p[1]);
      }
      series.addSeries(s);
    }
    JFreeChart chart =
        ChartFactory.createXYLineChart(
            data.title(),
            "epoch",
            "validation accuracy",
            series,
            PlotOrientation.VERTICAL,
            true,
            false,
            false);
    chart.addSubtitle(new TextTitle("dataset " + data.datasetId()));
    chart.setBackgroundPaint(Color.WHITE);
    XYPlot plot = chart.getXYPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
    for (int i = 0; i < series.getSeriesCount(); i++) {
      renderer.setSeriesStroke(i, new BasicStroke(2f));
    }
    plot.setRenderer(renderer);
    NumberAxis epochs = (NumberAxis) plot.getDomainAxis();
    epochs.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    NumberAxis accuracy = (NumberAxis) plot.getRangeAxis();
    accuracy.setAutoRangeIncludesZero(false);
    accuracy.setNumberFormatOverride(new DecimalFormat("0.00"));
    return chart;
  }

  private static byte[] svg(JFreeChart chart, int width, int height) {
    SVGGraphics2D g = new SVGGraphics2D(width, height);
    chart.draw(g, new Rectangle(0, 0, width, height));
    // the element without getSVGDocument()'s DOCTYPE: a DTD reference makes XML parsers fetch it
    // (or refuse the file), and browsers need none
    String document = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + g.getSVGElement();
    return document.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] png(JFreeChart chart, int width, int height) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ChartUtils.writeChartAsPNG(out, chart, width, height);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // in memory: does not happen
    }
    return out.toByteArray();
  }
}
