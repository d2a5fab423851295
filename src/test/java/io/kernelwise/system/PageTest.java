package io.kernelwise.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PageTest {

  @Test
  void offsetIsPageTimesSize() {
    assertThat(Page.offset(0, 20)).isZero();
    assertThat(Page.offset(3, 20)).isEqualTo(60);
    assertThat(Page.offset(Integer.MAX_VALUE / 500, 500)).isEqualTo(Integer.MAX_VALUE / 500 * 500);
  }

  @Test
  void anOffsetBeyondIntIsA400OnPageNotAnOverflow() {
    // 2147483647 * 500 wrapped to a negative SQL offset: the lists answered 500
    assertThatThrownBy(() -> Page.offset(Integer.MAX_VALUE, 500))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> assertThat(e.errors()).extracting(FieldProblem::field).containsExactly("page"));
    assertThatThrownBy(() -> Page.offset(Integer.MAX_VALUE / 500 + 1, 500))
        .isInstanceOf(ApiException.class);
  }

  @Test
  void badPageAndSizeNameTheirField() {
    assertThatThrownBy(() -> Page.offset(-1, 20))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.errors().get(0).field()).isEqualTo("page"));
    for (int size : new int[] {0, -5, Page.MAX_SIZE + 1}) {
      assertThatThrownBy(() -> Page.offset(0, size))
          .isInstanceOfSatisfying(
              ApiException.class, e -> assertThat(e.errors().get(0).field()).isEqualTo("size"));
    }
  }

  @Test
  void ofSlicesAListPastItsEndToNothing() {
    Page<Integer> p = Page.of(List.of(1, 2, 3, 4, 5), 1, 2);
    assertThat(p.items()).containsExactly(3, 4);
    assertThat(p.total()).isEqualTo(5);
    assertThat(Page.of(List.of(1, 2), 7, 2).items()).isEmpty();
  }
}
