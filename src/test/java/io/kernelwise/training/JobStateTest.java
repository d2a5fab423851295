package io.kernelwise.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JobStateTest {

  @ParameterizedTest
  @CsvSource({
    "QUEUED,RUNNING",
    "QUEUED,CANCELLED",
    "RUNNING,SUCCEEDED",
    "RUNNING,FAILED",
    "RUNNING,CANCELLED",
    "RUNNING,QUEUED"
  })
  void allowedTransitions(JobState from, JobState to) {
    assertThat(from.canMoveTo(to)).isTrue();
    from.checkMoveTo(to);
  }

  @ParameterizedTest
  @CsvSource({
    "QUEUED,SUCCEEDED",
    "QUEUED,FAILED",
    "QUEUED,QUEUED",
    "RUNNING,RUNNING",
    "SUCCEEDED,RUNNING",
    "SUCCEEDED,QUEUED",
    "FAILED,RUNNING",
    "CANCELLED,QUEUED",
    "CANCELLED,RUNNING"
  })
  void illegalTransitionsAreRejected(JobState from, JobState to) {
    assertThat(from.canMoveTo(to)).isFalse();
    assertThatThrownBy(() -> from.checkMoveTo(to))
        .isInstanceOf(JobState.IllegalTransitionException.class)
        .hasMessageContaining(from + " to " + to);
  }

  @Test
  void onlyEndStatesAreTerminal() {
    assertThat(JobState.values())
        .filteredOn(JobState::terminal)
        .containsExactlyInAnyOrder(JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED);
  }
}
