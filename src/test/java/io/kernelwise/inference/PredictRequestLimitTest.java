package io.kernelwise.inference;

import static org.assertj.core.api.Assertions.assertThat;

import io.kernelwise.models.ServingFixtures;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A predict request is bounded by what it may contain (files x image size) and refused with a 413
 * from its declared length, before the multipart parser reads it (it used to be parsed and buffered
 * up to the servlet's 1 GB multipart limit first, then refused part by part).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PredictRequestLimitTest {
  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("kernelwise.data-dir", ServingFixtures::newDataDir);
    registry.add("kernelwise.inference.max-files-per-request", () -> "2");
    registry.add("kernelwise.inference.max-image-size", () -> "64KB");
  }

  @LocalServerPort int port;

  /** Sends the request head and {@code bodyBytes} of body; returns status line to JSON body. */
  String send(String headers, int bodyBytes) throws Exception {
    try (Socket socket = new Socket("localhost", port)) {
      socket.setSoTimeout(15_000); // the server must answer without the body
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /api/v1/models/m-any/predict HTTP/1.1\r\nHost: localhost\r\n"
                  + "Content-Type: multipart/form-data; boundary=xyz\r\n"
                  + headers
                  + "\r\n--xyz\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.write(new byte[bodyBytes]);
      out.flush();
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      StringBuilder response = new StringBuilder(in.readLine());
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        response.append('\n').append(line);
        if (line.startsWith("{")) {
          break;
        }
      }
      return response.toString();
    }
  }

  @Test
  void aRequestDeclaringMoreThanItsFilesMayHoldIsA413BeforeItsBodyIsRead() throws Exception {
    // 2 files of 64 KB take about 176 KB; 400 KB is refused by the declared length
    int length = 400 << 10;
    String response = send("Content-Length: " + length + "\r\n", length - 7);
    assertThat(response).startsWith("HTTP/1.1 413");
    assertThat(response)
        .contains("application/problem+json")
        .contains("\"field\":\"file\"")
        .contains("max-files-per-request x max-image-size");
  }

  @Test
  void aMultipartRequestWithoutALengthIsRefusedBeforeItIsRead() throws Exception {
    String response = send("Transfer-Encoding: chunked\r\n", 0);
    assertThat(response).startsWith("HTTP/1.1 411");
    assertThat(response).contains("Content-Length");
  }
}
