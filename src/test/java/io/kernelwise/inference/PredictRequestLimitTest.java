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
 * before its body is read: the server answers while the client has sent only the headers (it used
 * to wait for, and buffer, up to the servlet's 1 GB multipart limit first).
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

  /** Sends only the request head and returns the response's status line and body. */
  String headOnly(String headers) throws Exception {
    try (Socket socket = new Socket("localhost", port)) {
      socket.setSoTimeout(15_000); // the server must answer without the body
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /api/v1/models/m-any/predict HTTP/1.1\r\nHost: localhost\r\n"
                  + "Content-Type: multipart/form-data; boundary=xyz\r\n"
                  + headers
                  + "\r\n--xyz\r\n")
              .getBytes(StandardCharsets.US_ASCII));
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
    String response = headOnly("Content-Length: 104857600\r\n"); // 100 MB, under the 1 GB
    assertThat(response).startsWith("HTTP/1.1 413");
    assertThat(response)
        .contains("application/problem+json")
        .contains("\"field\":\"file\"")
        .contains("max-files-per-request x max-image-size");
  }

  @Test
  void aMultipartRequestWithoutALengthIsRefusedBeforeItIsRead() throws Exception {
    String response = headOnly("Transfer-Encoding: chunked\r\n");
    assertThat(response).startsWith("HTTP/1.1 411");
    assertThat(response).contains("Content-Length");
  }
}
