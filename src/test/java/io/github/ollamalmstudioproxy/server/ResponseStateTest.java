package io.github.ollamalmstudioproxy.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.github.ollamalmstudioproxy.server.ResponseState.Phase;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ResponseStateTest {
  private static final Consumer<ResponseState> STREAMING = ResponseState::streaming;
  private static final Consumer<ResponseState> ENDED = ResponseState::ended;

  @Test
  void aNewResponseHasNotStartedAndHasNotStreamed() {
    ResponseState state = new ResponseState();

    assertThat(state.phase()).isEqualTo(Phase.NOT_STARTED);
    assertThat(state.notStarted()).isTrue();
    assertThat(state.streamed()).isFalse();
  }

  static Stream<Arguments> legalPaths() {
    return Stream.of(
        arguments("a stream that began", List.of(STREAMING), Phase.STREAMING, true),
        arguments("a stream that began and ended", List.of(STREAMING, ENDED), Phase.ENDED, true),
        arguments("a whole answer at once", List.of(ENDED), Phase.ENDED, false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("legalPaths")
  void legalTransitionsReachTheirPhase(String why, List<Consumer<ResponseState>> steps, Phase phase,
      boolean streamed) {
    ResponseState state = new ResponseState();

    steps.forEach(step -> step.accept(state));

    assertThat(state.phase()).isEqualTo(phase);
    assertThat(state.notStarted()).isFalse();
    assertThat(state.streamed()).isEqualTo(streamed);
  }

  static Stream<Arguments> illegalPaths() {
    return Stream.of(
        arguments("a whole answer twice", List.of(ENDED), ENDED, "answered twice", Phase.ENDED, false),
        arguments("a stream ended twice", List.of(STREAMING, ENDED), ENDED, "answered twice", Phase.ENDED, true),
        arguments("a second stream on a streaming response", List.of(STREAMING), STREAMING, "already STREAMING",
            Phase.STREAMING, true),
        arguments("a stream after a whole answer", List.of(ENDED), STREAMING, "already ENDED", Phase.ENDED, false),
        arguments("a stream after a stream ended", List.of(STREAMING, ENDED), STREAMING, "already ENDED",
            Phase.ENDED, true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("illegalPaths")
  void illegalTransitionsThrowAndLeaveTheStateAsItWas(String why, List<Consumer<ResponseState>> before,
      Consumer<ResponseState> illegal, String message, Phase phase, boolean streamed) {
    ResponseState state = new ResponseState();
    before.forEach(step -> step.accept(state));

    assertThatThrownBy(() -> illegal.accept(state))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(message);

    assertThat(state.phase()).isEqualTo(phase);
    assertThat(state.streamed()).isEqualTo(streamed);
  }

  @Test
  void streamedStaysTrueOnceAStreamBeganWhateverFollows() {
    ResponseState state = new ResponseState();

    state.streaming();
    assertThat(state.streamed()).isTrue();
    state.ended();
    assertThat(state.streamed()).isTrue();
    assertThatThrownBy(state::streaming).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(state::ended).isInstanceOf(IllegalStateException.class);
    assertThat(state.streamed()).isTrue();
  }
}
