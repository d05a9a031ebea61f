package io.github.ollamalmstudioproxy.translate;

import io.github.ollamalmstudioproxy.translate.ChatRequest.Message;
import io.github.ollamalmstudioproxy.translate.ChatRequest.ToolCall;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Gives every tool call in the history an id and every tool result the id of its call.
 *
 * <p>OpenAI backends (LM Studio included) reject a tool message whose {@code tool_call_id} matches no call, but
 * ollama-python drops both the call ids and {@code tool_call_id}. Missing call ids are therefore synthesised from the
 * message and call positions (stable across the turns of one conversation, so replayed history stays consistent),
 * and a tool result without an id is paired with the earliest unanswered call of the same {@code tool_name}, else the
 * latest unanswered call. Only the calls of the most recent assistant turn with calls are candidates: a result never
 * answers a call from an older turn. A result that pairs with nothing (LlamaIndex.TS drops the assistant's calls
 * from the history it sends back) gets no id: the caller folds it into the conversation instead.
 */
final class ToolHistory {
  private final List<String[]> pending = new ArrayList<>(); // {id, name}
  /** Every call id sent so far: a result naming another id would be refused by the backend. */
  private final Set<String> sent = new HashSet<>();

  /** The id to send for call {@code callIndex} of message {@code messageIndex}; remembers it as unanswered. */
  static String callId(int messageIndex, int callIndex, ToolCall call) {
    return call.id() != null && !call.id().isEmpty() ? call.id() : "call_" + messageIndex + "_" + callIndex;
  }

  void assistantCalls(int messageIndex, List<ToolCall> calls) {
    pending.clear();
    for (int i = 0; i < calls.size(); i++) {
      String id = callId(messageIndex, i, calls.get(i));
      pending.add(new String[] {id, calls.get(i).name()});
      sent.add(id);
    }
  }

  /** The {@code tool_call_id} for a tool result, or null when it answers no call in the history. */
  String answer(Message tool) {
    if (tool.toolCallId() != null && !tool.toolCallId().isEmpty()) {
      if (!sent.contains(tool.toolCallId())) {
        return null;
      }
      pending.removeIf(p -> p[0].equals(tool.toolCallId()));
      return tool.toolCallId();
    }
    int match = -1;
    if (tool.toolName() != null) {
      for (int i = 0; i < pending.size() && match < 0; i++) {
        if (pending.get(i)[1].equals(tool.toolName())) {
          match = i;
        }
      }
    }
    if (match < 0) {
      match = pending.size() - 1;
    }
    return match < 0 ? null : pending.remove(match)[0];
  }
}
