package io.kernelwise.security;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.kernelwise.system.KernelwiseProperties;
import io.kernelwise.system.StrictJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /api/v1/keys} as a slice: the controller, the real security chain and {@link ApiKeys} on a
 * migrated in-memory table ({@link SecuritySlice}); requests carry the test admin key.
 */
@WebMvcTest(KeyController.class)
@Import({SecuritySlice.class, StrictKeyBodies.class, KeyControllerTest.Config.class})
class KeyControllerTest {
  /**
   * What the application adds to a slice's MVC: its properties (the body-limit filters read them)
   * and its JSON rules (no coercion of scalars).
   */
  @TestConfiguration(proxyBeanMethods = false)
  @EnableConfigurationProperties(KernelwiseProperties.class)
  @Import(StrictJson.class)
  static class Config {}

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @Autowired MockMvc mvc;

  ResultActions postJson(String path, String body) throws Exception {
    return mvc.perform(post(path).contentType(MediaType.APPLICATION_JSON).content(body));
  }

  /** A 400 problem+json whose errors name {@code field}. */
  static void refusedNaming(ResultActions r, String field) throws Exception {
    r.andExpect(status().isBadRequest())
        .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
        .andExpect(jsonPath("$.status").value(400))
        .andExpect(jsonPath("$.errors[*].field", hasItem(field)));
  }

  @Test
  void createAnswers201WithTheSecretOnlyThenListsTheKeyWithoutIt() throws Exception {
    String body =
        postJson("/api/v1/keys", "{\"name\":\"ci trainer\",\"role\":\"trainer\"}")
            .andExpect(status().isCreated())
            .andExpect(jsonPath("$.role").value("trainer"))
            .andExpect(jsonPath("$.key", startsWith("kw_")))
            .andReturn()
            .getResponse()
            .getContentAsString();
    String id = JSON.readTree(body).get("id").asString();
    mvc.perform(get("/api/v1/keys").param("size", "500"))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.items[*].id", hasItem(id)))
        .andExpect(jsonPath("$.items[*].key").doesNotExist())
        .andExpect(
            content().string(not(containsString(JSON.readTree(body).get("key").asString()))));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "unknown field          | {\"name\":\"k\",\"role\":\"reader\",\"expires\":\"2030-01-01T00:00:00Z\"} | expires",
        "misspelt field         | {\"name\":\"k\",\"rol\":\"admin\"}                    | rol",
        "unknown role           | {\"name\":\"k\",\"role\":\"owner\"}                   | role",
        "no role                | {\"name\":\"k\"}                                      | role",
        "no name                | {\"role\":\"reader\"}                                 | name",
        "name of the wrong type | {\"name\":5,\"role\":\"reader\"}                      | name",
        "expiry in the past     | {\"name\":\"k\",\"role\":\"reader\",\"expiresAt\":\"2001-01-01T00:00:00Z\"} | expiresAt",
        "expiry not a time      | {\"name\":\"k\",\"role\":\"reader\",\"expiresAt\":\"soon\"} | expiresAt",
        "malformed JSON         | {\"name\":                                            | body"
      })
  void aBadNewKeyIsA400NamingTheField(String why, String body, String field) throws Exception {
    refusedNaming(postJson("/api/v1/keys", body), field);
  }

  @Test
  void anUnknownFieldIsNamedAsUnknown() throws Exception {
    postJson("/api/v1/keys", "{\"name\":\"k\",\"role\":\"reader\",\"colour\":\"red\"}")
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.errors[0].field").value("colour"))
        .andExpect(jsonPath("$.errors[0].message", containsString("unknown field")));
  }

  @Test
  void pagingParametersAreCheckedByName() throws Exception {
    refusedNaming(mvc.perform(get("/api/v1/keys").param("size", "0")), "size");
    refusedNaming(mvc.perform(get("/api/v1/keys").param("page", "-1")), "page");
    refusedNaming(mvc.perform(get("/api/v1/keys").param("size", "ten")), "size");
  }

  @Test
  void revokingAnUnknownKeyIs404AndTheLastAdminKeyIs409() throws Exception {
    mvc.perform(delete("/api/v1/keys/no-such-key"))
        .andExpect(status().isNotFound())
        .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
    mvc.perform(delete("/api/v1/keys/test-admin"))
        .andExpect(status().isConflict())
        .andExpect(jsonPath("$.detail", containsString("last active admin key")));
  }

  @Test
  void meIsTheCallingKey() throws Exception {
    mvc.perform(get("/api/v1/keys/me"))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.id").value("test-admin"))
        .andExpect(jsonPath("$.role").value("admin"))
        .andExpect(jsonPath("$.securityEnabled").value(true));
  }

  @Test
  void aKeyCannotCreateAKeyAboveItsRoleAndAReaderCannotManageKeys() throws Exception {
    String reader =
        JSON.readTree(
                postJson("/api/v1/keys", "{\"name\":\"r\",\"role\":\"reader\"}")
                    .andExpect(status().isCreated())
                    .andReturn()
                    .getResponse()
                    .getContentAsString())
            .get("key")
            .asString();
    mvc.perform(
            post("/api/v1/keys")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + reader)
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"name\":\"x\",\"role\":\"admin\"}"))
        .andExpect(status().isForbidden())
        .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
    mvc.perform(get("/api/v1/keys/me").header(HttpHeaders.AUTHORIZATION, "Bearer " + reader))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.role").value("reader"));
  }

  @Test
  void anUnknownKeyIs401Problem() throws Exception {
    mvc.perform(get("/api/v1/keys").header(HttpHeaders.AUTHORIZATION, "Bearer kw_nope"))
        .andExpect(status().isUnauthorized())
        .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
  }

  @Test
  void eventTokensAreOnlyForEventStreams() throws Exception {
    refusedNaming(postJson("/api/v1/keys/me/event-tokens", "{\"path\":\"/api/v1/jobs\"}"), "path");
    refusedNaming(
        postJson("/api/v1/keys/me/event-tokens", "{\"path\":\"/api/v1/jobs/j/events\",\"ttl\":1}"),
        "ttl");
    postJson("/api/v1/keys/me/event-tokens", "{\"path\":\"/api/v1/jobs/j-1/events\"}")
        .andExpect(status().isCreated());
  }
}
