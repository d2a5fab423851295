package io.kernelwise.experiments;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.List;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The chart renderer alone: SVG that XML parsers read, PNG that ImageIO reads, legend text. */
class ExperimentChartTest {
  static final ExperimentChart.Data DATA =
      new ExperimentChart.Data(
          "3x3 & 5x5 <compared>",
          "cifar10",
          List.of(
              new ExperimentChart.Line(
                  "seed-3x3", 1_250_858, List.of(new double[] {1, 0.41}, new double[] {2, 0.52})),
              new ExperimentChart.Line(
                  "seed-5x5", 2_156_490, List.of(new double[] {1, 0.38}, new double[] {2, 0.47})),
              new ExperimentChart.Line("seed-5x5", 2_156_490, List.of()),
              new ExperimentChart.Line("not started", 10, List.of())));

  @Test
  void svgIsWellFormedAndNamesEveryLineWithItsParameters() throws Exception {
    byte[] svg = ExperimentChart.render(DATA, ExperimentChart.Format.SVG, 800, 500);
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    Document doc = f.newDocumentBuilder().parse(new ByteArrayInputStream(svg));
    Element root = doc.getDocumentElement();
    assertThat(root.getLocalName()).isEqualTo("svg");
    assertThat(root.getNamespaceURI()).isEqualTo("http://www.w3.org/2000/svg");
    String text = texts(doc);
    assertThat(text)
        .contains(
            "3x3 & 5x5 <compared>",
            "dataset cifar10",
            "epoch",
            "validation accuracy",
            "seed-3x3 (1,250,858 params)",
            "seed-5x5 (2,156,490 params)",
            "seed-5x5 (2,156,490 params) #3",
            "not started (10 params)");
  }

  @Test
  void pngIsAnImageOfTheAskedSize() throws Exception {
    byte[] png = ExperimentChart.render(DATA, ExperimentChart.Format.PNG, 640, 400);
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
    assertThat(image.getWidth()).isEqualTo(640);
    assertThat(image.getHeight()).isEqualTo(400);
  }

  @Test
  void formatFollowsTheParameterThenAcceptThenDefaultsToSvg() {
    assertThat(ExperimentController.format("PNG", "image/svg+xml"))
        .isEqualTo(ExperimentChart.Format.PNG);
    assertThat(ExperimentController.format(null, null)).isEqualTo(ExperimentChart.Format.SVG);
    assertThat(ExperimentController.format(null, "*/*")).isEqualTo(ExperimentChart.Format.SVG);
    assertThat(ExperimentController.format(null, "image/png"))
        .isEqualTo(ExperimentChart.Format.PNG);
    assertThat(ExperimentController.format(null, "image/svg+xml;q=0.2, image/png;q=0.8"))
        .isEqualTo(ExperimentChart.Format.PNG);
    assertThat(ExperimentController.format(null, "text/html"))
        .isEqualTo(ExperimentChart.Format.SVG);
  }

  static String texts(Document doc) {
    StringBuilder sb = new StringBuilder();
    NodeList nodes = doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", "text");
    for (int i = 0; i < nodes.getLength(); i++) {
      sb.append(nodes.item(i).getTextContent()).append('\n');
    }
    return sb.toString();
  }
}
