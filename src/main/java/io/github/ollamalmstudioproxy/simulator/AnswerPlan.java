package io.github.ollamalmstudioproxy.simulator;

import java.util.ArrayList;
import java.util.List;

/**
 * The pieces one answer will emit, one per simulated token, and how it ends.
 *
 * <p>Order: reasoning, then content, then each tool call as a start fragment followed by argument fragments. A positive
 * {@code max_tokens} cuts the list and turns the finish reason into {@code "length"}, so that, as in LM Studio,
 * {@code completion_tokens == max_tokens} (reference §2.2).
 */
record AnswerPlan(List<Piece> pieces, String finishReason, int reasoningTokens) {
  /** Argument fragments are this many characters, "a few" as real streams show. */
  static final int ARGUMENT_FRAGMENT = 5;

  enum Kind { REASONING, CONTENT, TOOL_START, TOOL_ARGUMENTS }

  /** One streamed piece; {@code toolIndex}, {@code toolId} and {@code toolName} only matter for tool kinds. */
  record Piece(Kind kind, String text, int toolIndex, String toolId, String toolName) {
    static Piece text(Kind kind, String text) {
      return new Piece(kind, text, -1, null, null);
    }
  }

  static AnswerPlan chat(ScriptSnapshot script, int maxTokens) {
    List<Piece> pieces = new ArrayList<>();
    script.reasoning().forEach(r -> pieces.add(Piece.text(Kind.REASONING, r)));
    script.contentTokens().forEach(c -> pieces.add(Piece.text(Kind.CONTENT, c)));
    List<ScriptSnapshot.ToolCall> calls = script.toolCalls();
    for (int index = 0; index < calls.size(); index++) {
      ScriptSnapshot.ToolCall call = calls.get(index);
      String id = Ids.toolCall();
      pieces.add(new Piece(Kind.TOOL_START, "", index, id, call.name()));
      for (String fragment : fragments(call.argumentsJson())) {
        pieces.add(new Piece(Kind.TOOL_ARGUMENTS, fragment, index, id, call.name()));
      }
    }
    return finish(script, pieces, calls.isEmpty() ? "stop" : "tool_calls", maxTokens);
  }

  /** Text completions have no chat template, so neither reasoning nor tool calls: content pieces only. */
  static AnswerPlan text(ScriptSnapshot script, int maxTokens) {
    List<Piece> pieces = new ArrayList<>();
    script.tokens().forEach(c -> pieces.add(Piece.text(Kind.CONTENT, c)));
    return finish(script, pieces, "stop", maxTokens);
  }

  private static AnswerPlan finish(ScriptSnapshot script, List<Piece> pieces, String natural, int maxTokens) {
    String reason = natural;
    List<Piece> kept = pieces;
    if (maxTokens > 0 && pieces.size() > maxTokens) {
      kept = List.copyOf(pieces.subList(0, maxTokens));
      reason = "length";
    }
    if (script.finishReason() != null) {
      reason = script.finishReason();
    }
    int reasoning = (int) kept.stream().filter(p -> p.kind() == Kind.REASONING).count();
    return new AnswerPlan(List.copyOf(kept), reason, reasoning);
  }

  /**
   * Whether {@code next} opens a new part of the answer (an Anthropic content block, a Responses output item): the
   * first piece, every tool-call start, and each change between reasoning and content. Argument fragments stay in
   * the part their call opened.
   */
  static boolean startsPart(Piece previous, Piece next) {
    return previous == null || next.kind() == Kind.TOOL_START
        || next.kind() != Kind.TOOL_ARGUMENTS && next.kind() != previous.kind();
  }

  /** Splits by code points so a fragment never ends inside a surrogate pair. */
  static List<String> fragments(String text) {
    List<String> out = new ArrayList<>();
    int[] cps = text.codePoints().toArray();
    for (int i = 0; i < cps.length; i += ARGUMENT_FRAGMENT) {
      out.add(new String(cps, i, Math.min(ARGUMENT_FRAGMENT, cps.length - i)));
    }
    return out;
  }
}
