package io.github.ollamalmstudioproxy.translate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.ollamalmstudioproxy.translate.ChatRequest.Message;

/**
 * Tool results that answer no call in the history, turned into a user turn the backend accepts.
 *
 * <p>Ollama renders such a result through the model's template and the model reads it; LM Studio refuses the whole
 * request ({@code 400 Invalid 'messages' in payload}) because OpenAI's format pairs each tool message with a call.
 * LlamaIndex.TS ({@code @llamaindex/ollama}, {@code llm.ts}: a tool result is sent as {@code {role:"tool", content}}
 * and the assistant turn without its {@code tool_calls}) sends nothing else. A synthesised call would have to invent
 * the arguments the model passed, which nobody knows any more; a user turn that says it carries a tool's result
 * (named when the client gave {@code tool_name}) hands the model exactly what the client sent and claims nothing
 * else. Consecutive results share one turn, as parallel results do in the chat templates that render tool results
 * as a user turn (Qwen's), and so that templates which demand alternating roles keep working.
 */
final class OrphanToolResults {
  private ObjectNode open;

  private OrphanToolResults() {}

  static OrphanToolResults start() {
    return new OrphanToolResults();
  }

  /** Adds the result {@code tool} to the open user turn, or opens one at the end of {@code messages}. */
  void fold(Message tool, ArrayNode messages) {
    String label = tool.toolName() == null || tool.toolName().isEmpty()
        ? "Tool result:\n" : "Tool result (" + tool.toolName() + "):\n";
    String text = label + tool.content();
    boolean last = open != null && messages.size() > 0 && messages.get(messages.size() - 1) == open;
    if (last && tool.images().isEmpty()) {
      open.put("content", open.get("content").textValue() + "\n\n" + text);
      return;
    }
    ObjectNode turn = messages.addObject().put("role", "user");
    OllamaToOpenAi.content(turn, text, tool.images());
    // A turn with images is content parts: the next result opens a turn of its own.
    open = tool.images().isEmpty() ? turn : null;
  }
}
