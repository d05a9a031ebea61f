package io.github.ollamalmstudioproxy.simulator;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;

/**
 * The knobs of {@link SimulatorScript} frozen when a request arrives, so that a test changing the script mid-stream
 * does not change an answer that is already being generated.
 *
 * @param midStreamErrorAfter tokens before the scripted stream error, or -1 for none
 * @param abruptCloseAfter tokens before the connection is dropped, or -1 for none
 * @param finishReason overrides the computed finish reason when not null
 * @param usagePrompt overrides {@code prompt_tokens} when not null (likewise {@code usageCompletion})
 * @param omitUsage a streamed chat answer sends no usage chunk
 * @param omitDone a streamed answer ends without its terminal event ({@code [DONE]}, {@code response.completed},
 *     {@code message_stop})
 * @param stallAfter tokens before the stream goes silent for {@code stall}, or -1 for none
 * @param dripAfter tokens before the answer turns into one byte per {@code dripInterval} that never completes an
 *     event or a body, or -1 for none
 * @param answerLogprobs chat completions that ask for {@code logprobs} get them (LM Studio answers null)
 */
record ScriptSnapshot(
    List<String> tokens,
    boolean tokensExplicit,
    Duration tokenInterval,
    List<String> reasoning,
    String reasoningField,
    List<ScriptSnapshot.ToolCall> toolCalls,
    Duration prefillDelay,
    boolean headersDuringPrefill,
    int midStreamErrorAfter,
    String midStreamErrorMessage,
    boolean midStreamErrorEventLine,
    int abruptCloseAfter,
    boolean requireLoadBeforeInference,
    Duration loadDelay,
    String finishReason,
    Integer usagePrompt,
    Integer usageCompletion,
    boolean omitUsage,
    boolean omitDone,
    int stallAfter,
    Duration stall,
    int dripAfter,
    Duration dripInterval,
    boolean answerLogprobs) {

  /** Content pieces to stream: the default sentence is dropped when only tool calls were scripted. */
  List<String> contentTokens() {
    return toolCalls.isEmpty() || tokensExplicit ? tokens : List.of();
  }

  /** One tool call the simulated model makes; {@code argumentsJson} is sent verbatim as the arguments string. */
  record ToolCall(String name, String argumentsJson) {
    ToolCall {
      requireNonNull(name, "name");
      requireNonNull(argumentsJson, "argumentsJson");
    }
  }
}
