package io.github.ollamalmstudioproxy.translate;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.ollamalmstudioproxy.ollama.OllamaError;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Exact output bytes of {@link StreamTranslator}, with a fixed wall clock and chosen nanoTimes. */
class StreamTranslatorTest {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2025-10-17T23:14:07.414671000Z"), ZoneOffset.UTC);
  static final String HEAD = "{\"model\":\"llama3.2\",\"created_at\":\"2025-10-17T23:14:07.414671Z\",";

  private final StreamTranslator chat = StreamTranslator.streaming(
      new StreamSettings(StreamSettings.Shape.CHAT, "llama3.2", false, true), new RequestTimes(0, 100, 50), CLOCK);

  @Test
  void contentChunkIsOneCompactObjectAndOneNewline() {
    assertThat(text(chat.onEvent(null, delta("\"content\":\"The\""), 1000)))
        .isEqualTo(HEAD + "\"message\":{\"role\":\"assistant\",\"content\":\"The\"},\"done\":false}\n");
  }

  @Test
  void thinkingChunkHasEmptyStringContentNotNull() {
    assertThat(text(chat.onEvent(null, delta("\"reasoning_content\":\"hm\""), 1000)))
        .isEqualTo(HEAD + "\"message\":{\"role\":\"assistant\",\"content\":\"\",\"thinking\":\"hm\"},\"done\":false}\n");
  }

  @Test
  void chunksCarryingNothingAreNotEmitted() {
    assertThat(chat.onEvent(null, delta("\"role\":\"assistant\""), 1)).isSameAs(Output.NONE);
    assertThat(chat.onEvent(null, delta("\"role\":\"assistant\",\"content\":null"), 2)).isSameAs(Output.NONE);
    assertThat(chat.onEvent(null, delta("\"content\":\"\""), 3)).isSameAs(Output.NONE);
    assertThat(chat.onEvent(null, "{\"choices\":[]}", 4)).isSameAs(Output.NONE);
    assertThat(chat.onEvent(null, "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}", 5))
        .isSameAs(Output.NONE);
  }

  @Test
  void finalLineCarriesExactMetricsInOllamaOrder() {
    chat.onEvent(null, delta("\"content\":\"a\""), 1_000);
    chat.onEvent(null, delta("\"content\":\"b\""), 3_000);
    chat.onEvent(null, "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}", 3_500);
    chat.onEvent(null, "{\"choices\":[],\"usage\":{\"prompt_tokens\":26,\"completion_tokens\":12,\"total_tokens\":38}}", 4_000);
    assertThat(text(chat.onDone(5_000))).isEqualTo(HEAD
        + "\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,\"done_reason\":\"stop\","
        + "\"total_duration\":5000,\"load_duration\":50,\"prompt_eval_count\":26,\"prompt_eval_duration\":900,"
        + "\"eval_count\":12,\"eval_duration\":2000}\n");
    assertThat(chat.isFinished()).isTrue();
  }

  @Test
  void countsTheBackendDidNotGiveAreOmittedAndRawGenerateHasNoContext() {
    StreamTranslator t = StreamTranslator.streaming(
        new StreamSettings(StreamSettings.Shape.GENERATE, "llama3.2", false, false), new RequestTimes(0, 100, 100),
        CLOCK);
    t.onEvent(null, delta("\"content\":\"a\""), 1_000);
    String done = text(t.onDone(2_000));
    assertThat(done).isEqualTo(HEAD + "\"response\":\"\",\"done\":true,\"done_reason\":\"stop\","
        + "\"total_duration\":2000,\"load_duration\":100,\"prompt_eval_duration\":900}\n");
    assertThat(done).doesNotContain("context", "eval_count");
  }

  /**
   * Ollama's generate puts the prompt and answer token ids in {@code context} unless raw
   * ({@code ollama/ollama@v0.33.0-rc2:server/routes.go:712-719}); the Vercel AI SDK's completion model requires the
   * array ({@code ollama-ai-provider-v2}'s {@code baseOllamaResponseSchema}: {@code context: z.array(z.number())}).
   * The proxy has no token ids, so the array is empty: true, and harmless when a client sends it back.
   */
  @Test
  void nonRawGenerateEndsWithAnEmptyContextArray() {
    StreamTranslator t = StreamTranslator.streaming(
        new StreamSettings(StreamSettings.Shape.GENERATE, "llama3.2", false, true, true), new RequestTimes(0, 100, 100),
        CLOCK);
    t.onEvent(null, delta("\"content\":\"a\""), 1_000);
    assertThat(text(t.onDone(2_000))).isEqualTo(HEAD + "\"response\":\"\",\"done\":true,\"done_reason\":\"stop\","
        + "\"context\":[],\"total_duration\":2000,\"load_duration\":100,\"prompt_eval_duration\":900}\n");
    StreamTranslator aggregated = StreamTranslator.aggregating(
        new StreamSettings(StreamSettings.Shape.GENERATE, "llama3.2", false, true, true), new RequestTimes(0, 100, 100),
        CLOCK);
    aggregated.onEvent(null, delta("\"content\":\"a\""), 1_000);
    assertThat(new String(aggregated.onDone(2_000).ending().body(), java.nio.charset.StandardCharsets.UTF_8))
        .contains("\"response\":\"a\",\"done\":true,\"done_reason\":\"stop\",\"context\":[],");
  }

  /**
   * {@code load_duration} is Ollama's {@code checkpointLoaded - checkpointStart}
   * ({@code ollama/ollama@v0.33.0-rc2:server/routes.go:2804, 710}): the time until the model was ready for the prompt, loads included, measured on every answer; a measured 0 is
   * written, not dropped.
   */
  @Test
  void loadDurationIsAlwaysWrittenEvenWhenZero() {
    StreamTranslator t = StreamTranslator.streaming(
        new StreamSettings(StreamSettings.Shape.CHAT, "llama3.2", false, true), new RequestTimes(0, 0, 0), CLOCK);
    assertThat(text(t.onDone(2_000))).contains("\"total_duration\":2000,\"load_duration\":0,");
  }

  @Test
  void usageInlineInTheFinishChunkIsRead() {
    chat.onEvent(null, "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"},\"finish_reason\":\"length\"}],"
        + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1}}", 1_000);
    assertThat(text(chat.onDone(2_000)))
        .contains("\"done_reason\":\"length\"", "\"prompt_eval_count\":3", "\"eval_count\":1");
  }

  @Test
  void usagePreferredOverTimingsAndNullUsageIgnored() {
    chat.onEvent(null, "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"}}],\"usage\":null}", 1_000);
    chat.onEvent(null, "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],"
        + "\"usage\":{\"prompt_tokens\":29,\"completion_tokens\":8},\"timings\":{\"prompt_n\":21,\"predicted_n\":7}}", 2_000);
    assertThat(text(chat.onDone(3_000))).contains("\"prompt_eval_count\":29", "\"eval_count\":8");
  }

  @Test
  void duplicatedReasoningFieldsAreShownOnce() {
    assertThat(text(chat.onEvent(null, delta("\"reasoning_content\":\"r\",\"reasoning\":\"r\""), 1)))
        .contains("\"thinking\":\"r\"");
  }

  @Test
  void exactlyOneEndingWhateverArrivesAfterIt() {
    chat.onEvent(null, delta("\"content\":\"a\""), 1_000);
    Output done = chat.onDone(2_000);
    assertThat(done.lines()).hasSize(1);
    assertThat(done.ending().failed()).isFalse();
    assertThat(chat.onDone(3_000)).isSameAs(Output.NONE);
    assertThat(chat.onEvent(null, delta("\"content\":\"late\""), 4_000)).isSameAs(Output.NONE);
    assertThat(chat.fail(new OllamaError(500, "boom"))).isSameAs(Output.NONE);
    assertThat(chat.upstreamEnded(5_000)).isSameAs(Output.NONE);
    assertThat(chat.cancel(6_000)).isSameAs(Output.NONE);
  }

  @Test
  void failureEndsTheStreamWithoutDoneAndWithoutAnyLine() {
    Output failed = chat.fail(new OllamaError(500, "connection reset"));
    assertThat(failed.lines()).isEmpty();
    assertThat(failure(failed)).isEqualTo("500 connection reset");
    assertThat(chat.onDone(1)).isSameAs(Output.NONE);
    assertThat(chat.isFinished()).isTrue();
  }

  @Test
  void upstreamEndWithoutDoneIsAFailure() {
    assertThat(failure(chat.upstreamEnded(1)))
        .isEqualTo("500 backend stream ended before it was complete (no [DONE])");
  }

  @Test
  void errorPayloadShapesBecomeOneFailureWithTheBackendsMessage() {
    assertThat(failure(new StreamTranslatorTest().chat.onEvent(null, "{\"error\":\"bare\"}", 1)))
        .isEqualTo("500 bare");
    assertThat(failure(new StreamTranslatorTest().chat.onEvent("error", "{\"code\":500,\"message\":\"llama\"}", 1)))
        .isEqualTo("500 llama");
    assertThat(failure(new StreamTranslatorTest().chat.onEvent("error", "plain text", 1)))
        .isEqualTo("500 plain text");
  }

  @Test
  void aFailureInsideAStreamIs500WhateverItsKindAsInOllama() {
    // Ollama's streamResponse answers a failure of a running generation with 500 unless told otherwise.
    assertThat(failure(chat.onEvent("error",
        "{\"error\":\"Error rendering prompt with jinja template: \\\"No user query found in messages.\\\"\"}", 1)))
        .isEqualTo("500 Error rendering prompt with jinja template: \"No user query found in messages.\"");
  }

  @Test
  void invalidChunkJsonIsAFailure() {
    assertThat(failure(chat.onEvent(null, "{\"choices\":[", 1))).startsWith("500 invalid chunk from backend: ");
    assertThat(chat.isFinished()).isTrue();
  }

  @Test
  void outputBeforeAFailureInTheSameStepComesFirst() {
    chat.onEvent(null, delta("\"content\":\"<thi\""), 1);
    chat.onEvent(null, toolDelta("{\"index\":0,\"id\":\"a\",\"function\":{\"name\":\"f\",\"arguments\":\"[1]\"}}"), 2);
    Output done = chat.onDone(3);
    assertThat(lines(done.lines())).hasSize(1);
    assertThat(lines(done.lines()).get(0)).contains("\"content\":\"<thi\"");
    assertThat(failure(done)).isEqualTo("500 backend returned invalid tool call arguments for \"f\"");
  }

  /**
   * A stream cut by the drain timeout must not read as finished. ollama-js throws on any line with an {@code error}
   * key ({@code ollama/ollama-js:src/utils.ts}, {@code AbortableAsyncIterator}) and ollama-python raises
   * {@code ResponseError} ({@code ollama/ollama-python:ollama/_client.py}, {@code _request} → {@code inner}); a
   * client that ignores {@code error} sees no {@code done:true}, as when Ollama's connection closes, and a
   * {@code done_reason} other than {@code stop}. Ollama itself only knows {@code stop} and {@code length}
   * ({@code ollama/ollama@v0.33.0-rc2:llm/server.go:253-267}); a cut connection has no reason of its own there, so
   * the proxy names it.
   */
  @Test
  void cancelAfterOutputMarksPartialResponseAndReadsAsAnError() {
    chat.onEvent(null, delta("\"content\":\"a\""), 1_000);
    assertThat(text(chat.cancel(2_000))).isEqualTo(HEAD
        + "\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":false,\"done_reason\":\"cancelled\","
        + "\"cancelled\":true,\"partial_response\":true,\"error\":\"" + StreamTranslator.CUT_OFF + "\","
        + "\"total_duration\":2000,\"load_duration\":50,\"prompt_eval_duration\":900}\n");
  }

  @Test
  void cancelBeforeOutputIsNotPartial() {
    assertThat(text(chat.cancel(2_000))).contains("\"cancelled\":true,\"partial_response\":false");
  }

  @Test
  void toolCallsArriveWholeInOneLineBeforeTheFinalLine() {
    chat.onEvent(null, toolDelta("{\"index\":0,\"id\":\"a\",\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"x\\\":\"}}"), 1);
    chat.onEvent(null, toolDelta("{\"index\":0,\"function\":{\"arguments\":\"1}\"}}"), 2);
    List<String> lines = lines(chat.onDone(3));
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).isEqualTo(HEAD + "\"message\":{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":"
        + "[{\"id\":\"a\",\"function\":{\"index\":0,\"name\":\"f\",\"arguments\":{\"x\":1}}}]},\"done\":false}\n");
    assertThat(lines.get(1)).contains("\"done\":true,\"done_reason\":\"stop\"");
  }

  @Test
  void toolCallFragmentsWithoutIndexAreSplitById() {
    chat.onEvent(null, toolDelta("{\"id\":\"a\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}"), 1);
    chat.onEvent(null, toolDelta("{\"id\":\"b\",\"function\":{\"name\":\"g\",\"arguments\":\"{\\\"y\\\":\"}}"), 2);
    chat.onEvent(null, toolDelta("{\"function\":{\"arguments\":\"true}\"}}"), 3);
    assertThat(lines(chat.onDone(4)).get(0)).contains(
        "[{\"id\":\"a\",\"function\":{\"index\":0,\"name\":\"f\",\"arguments\":{}}},"
            + "{\"id\":\"b\",\"function\":{\"index\":1,\"name\":\"g\",\"arguments\":{\"y\":true}}}]");
  }

  @Test
  void toolArgumentsThatAreNotAnObjectAreAFailure() {
    chat.onEvent(null, toolDelta("{\"index\":0,\"id\":\"a\",\"function\":{\"name\":\"f\",\"arguments\":\"[1]\"}}"), 1);
    Output done = chat.onDone(2);
    assertThat(done.lines()).isEmpty();
    assertThat(failure(done)).isEqualTo("500 backend returned invalid tool call arguments for \"f\"");
  }

  @Test
  void toolArgumentsSentAsAnObjectAreAccepted() {
    chat.onEvent(null, toolDelta("{\"index\":0,\"id\":\"a\",\"function\":{\"name\":\"f\",\"arguments\":{\"k\":\"v\"}}}"), 1);
    assertThat(lines(chat.onDone(2)).get(0)).contains("\"arguments\":{\"k\":\"v\"}");
  }

  @Test
  void toolCallWithoutIdGetsOneInOllamasForm() {
    chat.onEvent(null, toolDelta("{\"index\":0,\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}"), 1);
    assertThat(lines(chat.onDone(2)).get(0))
        .containsPattern("\"tool_calls\":\\[\\{\"id\":\"call_[a-z0-9]{8}\",\"function\":\\{\"index\":0,");
  }

  @Test
  void loadAndUnloadBodiesHaveNoMetrics() {
    assertThat(new String(LoadResponse.body(
        new StreamSettings(StreamSettings.Shape.CHAT, "llama3.2", false, true), false, CLOCK), UTF_8))
        .isEqualTo(HEAD + "\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,\"done_reason\":\"load\"}");
    assertThat(new String(LoadResponse.body(
        new StreamSettings(StreamSettings.Shape.GENERATE, "llama3.2", false, true), true, CLOCK), UTF_8))
        .isEqualTo(HEAD + "\"response\":\"\",\"done\":true,\"done_reason\":\"unload\"}");
  }

  @Test
  void pendingThinkTagTextIsFlushedBeforeTheFinalLine() {
    assertThat(chat.onEvent(null, delta("\"content\":\"<thi\""), 1)).isSameAs(Output.NONE);
    List<String> lines = lines(chat.onDone(2));
    assertThat(lines.get(0)).contains("\"content\":\"<thi\"");
    assertThat(lines.get(1)).contains("\"done\":true");
  }

  @Test
  void createdAtHasTrailingZerosTrimmedLikeGo() {
    Clock whole = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);
    StreamTranslator t = StreamTranslator.streaming(
        new StreamSettings(StreamSettings.Shape.CHAT, "m", false, true), new RequestTimes(0, 0, -1), whole);
    assertThat(text(t.onEvent(null, delta("\"content\":\"x\""), 1))).contains("\"created_at\":\"2026-01-02T03:04:05Z\"");
  }

  static String delta(String fields) {
    return "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{" + fields
        + "},\"logprobs\":null,\"finish_reason\":null}]}";
  }

  static String toolDelta(String call) {
    return delta("\"tool_calls\":[" + call + "]");
  }

  static String text(Output output) {
    assertThat(output.lines()).hasSize(1);
    return new String(output.lines().get(0), UTF_8);
  }

  static List<String> lines(Output output) {
    return lines(output.lines());
  }

  static List<String> lines(List<byte[]> lines) {
    return lines.stream().map(b -> new String(b, UTF_8)).collect(Collectors.toCollection(ArrayList::new));
  }

  /** The failure an output ended with, as {@code <status> <message>}. */
  static String failure(Output output) {
    assertThat(output.ended()).as("ended").isTrue();
    assertThat(output.ending().failed()).as("failed").isTrue();
    return output.ending().failure().status() + " " + output.ending().failure().getMessage();
  }
}
