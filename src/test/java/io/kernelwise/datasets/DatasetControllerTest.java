package io.kernelwise.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.kernelwise.MigratedH2;
import io.kernelwise.security.SecuritySlice;
import io.kernelwise.system.DeploymentProperties;
import io.kernelwise.system.KernelwiseProperties;
import io.kernelwise.system.StrictJson;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.request.MockMultipartHttpServletRequestBuilder;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /api/v1/datasets} as a slice: the controller and the real {@link DatasetService} on a
 * migrated in-memory table and a temporary data directory, behind the real security chain. Ingest
 * itself is {@link ZipIngestTest}'s and {@link DatasetApiTest}'s; here: routes, 400s naming the
 * field, and which status each outcome gets.
 */
@WebMvcTest(DatasetController.class)
@Import({SecuritySlice.class, DatasetControllerTest.Config.class})
class DatasetControllerTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir static Path dataDir;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("kernelwise.data-dir", () -> dataDir.toString());
    registry.add("kernelwise.datasets.max-upload-size", () -> "64KB");
    registry.add("kernelwise.datasets.ingest-threads", () -> "1");
  }

  @TestConfiguration(proxyBeanMethods = false)
  @EnableConfigurationProperties({KernelwiseProperties.class, DeploymentProperties.class})
  @Import(StrictJson.class)
  static class Config {
    @Bean
    DatasetRepository datasetRepository() {
      return new DatasetRepository(JdbcClient.create(MigratedH2.create("datasets-slice")));
    }

    @Bean
    DatasetService datasetService(
        DatasetRepository repository,
        KernelwiseProperties properties,
        DeploymentProperties deployment) {
      return new DatasetService(repository, properties, deployment, Clock.systemUTC());
    }
  }

  @Autowired MockMvc mvc;

  static byte[] twoClasses() throws Exception {
    return TestZips.create()
        .add("cat/1.png", TestZips.png(8, 8, 1))
        .add("cat/2.png", TestZips.png(8, 8, 2))
        .add("dog/3.png", TestZips.png(8, 8, 3))
        .add("dog/4.png", TestZips.png(8, 8, 4))
        .bytes();
  }

  static MockMultipartHttpServletRequestBuilder upload(byte[] zip) {
    MockMultipartHttpServletRequestBuilder b = multipart("/api/v1/datasets");
    b.file(new MockMultipartFile("file", "pets.zip", "application/zip", zip));
    return b;
  }

  static void refusedNaming(ResultActions r, String field) throws Exception {
    r.andExpect(status().isBadRequest())
        .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
        .andExpect(jsonPath("$.status").value(400))
        .andExpect(jsonPath("$.errors[*].field", hasItem(field)));
  }

  @Test
  void aSmallUploadIs201ReadyWithItsLocationThenReadableAndDeletable() throws Exception {
    String body =
        mvc.perform(upload(twoClasses()).param("name", "pets"))
            .andExpect(status().isCreated())
            .andExpect(header().string("Location", startsWith("/api/v1/datasets/")))
            .andExpect(jsonPath("$.state").value("READY"))
            .andExpect(jsonPath("$.name").value("pets"))
            .andReturn()
            .getResponse()
            .getContentAsString();
    String id = JSON.readTree(body).get("id").asString();
    mvc.perform(get("/api/v1/datasets/" + id))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.classes[*]", hasItem("dog")));
    mvc.perform(get("/api/v1/datasets").param("size", "500"))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.items[0].id").value("cifar10")) // built-ins first
        .andExpect(jsonPath("$.items[*].id", hasItem(id)));
    mvc.perform(delete("/api/v1/datasets/" + id)).andExpect(status().isNoContent());
    mvc.perform(get("/api/v1/datasets/" + id))
        .andExpect(status().isNotFound())
        .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
  }

  @Test
  void anAsyncUploadIs202IngestingThenReady() throws Exception {
    String location =
        mvc.perform(upload(twoClasses()).param("async", "true"))
            .andExpect(status().isAccepted())
            .andExpect(header().string("Location", startsWith("/api/v1/datasets/")))
            .andExpect(jsonPath("$.state").value("INGESTING"))
            .andExpect(jsonPath("$.name").value("pets")) // from the file name
            .andReturn()
            .getResponse()
            .getHeader("Location");
    // wait for the background ingest: it must not outlive the test's data directory
    long deadline = System.nanoTime() + 60_000_000_000L;
    String state = "INGESTING";
    while (state.equals("INGESTING") && System.nanoTime() < deadline) {
      Thread.sleep(50);
      String body = mvc.perform(get(location)).andReturn().getResponse().getContentAsString();
      state = JSON.readTree(body).get("state").asString();
    }
    assertThat(state).isEqualTo("READY");
  }

  @Test
  void badUploadsAre400sNamingTheField() throws Exception {
    refusedNaming(mvc.perform(multipart("/api/v1/datasets").param("name", "x")), "file");
    refusedNaming(mvc.perform(upload(new byte[0])), "file");
    refusedNaming(mvc.perform(upload("not a zip".getBytes())), "file");
    refusedNaming(mvc.perform(upload(twoClasses()).param("async", "maybe")), "async");
    refusedNaming(mvc.perform(upload(twoClasses()).param("name", "a\u0007b")), "name");
    refusedNaming(mvc.perform(upload(twoClasses()).param("name", "n".repeat(201))), "name");
  }

  @Test
  void anUploadOverMaxUploadSizeIs413() throws Exception {
    mvc.perform(upload(new byte[65 << 10]))
        .andExpect(status().isPayloadTooLarge())
        .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
        .andExpect(jsonPath("$.detail", containsString("maxUploadSize")));
  }

  @Test
  void anUploadThatIsNotMultipartIs415() throws Exception {
    mvc.perform(post("/api/v1/datasets").contentType(MediaType.APPLICATION_JSON).content("{}"))
        .andExpect(status().isUnsupportedMediaType())
        .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
  }

  @Test
  void builtInsCannotBeDeletedAndUnknownIdsAre404() throws Exception {
    mvc.perform(delete("/api/v1/datasets/cifar10"))
        .andExpect(status().isConflict())
        .andExpect(jsonPath("$.detail", containsString("built-in")));
    mvc.perform(delete("/api/v1/datasets/no-such-dataset")).andExpect(status().isNotFound());
    mvc.perform(get("/api/v1/datasets/no-such-dataset")).andExpect(status().isNotFound());
  }

  @Test
  void pagingParametersAreCheckedByName() throws Exception {
    refusedNaming(mvc.perform(get("/api/v1/datasets").param("size", "501")), "size");
    refusedNaming(mvc.perform(get("/api/v1/datasets").param("page", "x")), "page");
  }
}
