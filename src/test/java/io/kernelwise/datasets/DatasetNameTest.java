package io.kernelwise.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.kernelwise.system.ApiException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Any upload file name is used as a name or refused with a 400 (a '/' used to be a 500). */
class DatasetNameTest {

  @ParameterizedTest
  @ValueSource(strings = {"/", "\\\\", "a/", ".zip", "  ", "\u0000", "dir/\u0001.zip"})
  void aFileNameThatNamesNothingIsA400NamingTheField(String filename) {
    ApiException e =
        catchThrowableOfType(ApiException.class, () -> DatasetUploads.datasetName(null, filename));
    assertThat(e.status().value()).isEqualTo(400);
    assertThat(e.errors()).singleElement().satisfies(p -> assertThat(p.field()).isEqualTo("name"));
  }

  @Test
  void otherFileNamesAreUsedWithoutFoldersOrTheZipSuffix() {
    assertThat(DatasetUploads.datasetName(null, "C:\\data\\cifar.ZIP")).isEqualTo("cifar");
    assertThat(DatasetUploads.datasetName(null, "../../etc/passwd")).isEqualTo("passwd");
    assertThat(DatasetUploads.datasetName(null, "a\u0000b:*?.zip")).isEqualTo("ab:*?");
    assertThat(DatasetUploads.datasetName("mine", "/")).isEqualTo("mine");
  }
}
