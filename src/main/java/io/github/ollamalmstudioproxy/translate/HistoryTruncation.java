package io.github.ollamalmstudioproxy.translate;

import io.github.ollamalmstudioproxy.translate.ChatRequest.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ollama's {@code truncate} for a chat the backend refused as longer than its context: the oldest messages go, the
 * system messages and the last user turn stay, as {@code server/prompt.go:35-73} ({@code chatPrompt}) does.
 *
 * <p>Ollama tokenizes each candidate and keeps the longest tail that fits. An LM Studio backend has no tokenizer
 * route, but its refusal states the prompt's tokens and the context ({@code n_keep: 13055>= n_ctx: 4096}, reference
 * §5): the messages are weighed by their share of the characters, and the oldest go until the estimate fits; at least
 * one goes each round. When the message gives no numbers, one message goes per round. The caller replays the shorter
 * chat and comes back with the next refusal, at most {@link #MAX_ROUNDS} times.
 */
public final class HistoryTruncation {
  /** Each round is a full request the backend refuses before prefill; a few estimates converge on a fit. */
  public static final int MAX_ROUNDS = 4;

  private static final List<Pattern[]> NUMBERS = List.of(
      // LM Studio 0.4: "(n_keep: 13055>= n_ctx: 4096)"; llama.cpp: "n_keep (12378) >= n_ctx (4096)".
      new Pattern[] {Pattern.compile("n_keep\\D{0,4}(\\d+)"), Pattern.compile("n_ctx\\D{0,4}(\\d+)")},
      // LM Studio 0.3: "keep the first 15857 tokens ... context length of only 4096 tokens".
      new Pattern[] {Pattern.compile("keep the first (\\d+) tokens"), Pattern.compile("of only (\\d+) tokens")});

  private ChatRequest current;
  private int rounds;

  public HistoryTruncation(ChatRequest request) {
    this.current = request;
  }

  /** The rounds made so far. */
  public int rounds() {
    return rounds;
  }

  /**
   * The next shorter chat after the backend refused the current one with {@code overflowMessage}; empty when the
   * rounds are used up or nothing but the system messages and the last user turn is left.
   */
  public Optional<ChatRequest> after(String overflowMessage) {
    List<Message> messages = current.messages();
    int keepFrom = lastUserTurn(messages);
    List<Integer> droppable = new ArrayList<>();
    for (int i = 0; i < keepFrom; i++) {
      if (!messages.get(i).role().equals("system")) {
        droppable.add(i);
      }
    }
    if (rounds >= MAX_ROUNDS || droppable.isEmpty()) {
      return Optional.empty();
    }
    int drop = toDrop(messages, droppable, overflowMessage);
    List<Message> kept = new ArrayList<>(messages);
    for (int n = drop - 1; n >= 0; n--) {
      kept.remove((int) droppable.get(n));
    }
    rounds++;
    current = current.withMessages(kept);
    return Optional.of(current);
  }

  /** Messages the tail starts at: the last user message, else the last message (Ollama keeps at least that). */
  private static int lastUserTurn(List<Message> messages) {
    for (int i = messages.size() - 1; i >= 0; i--) {
      if (messages.get(i).role().equals("user")) {
        return i;
      }
    }
    return messages.size() - 1;
  }

  /** How many of the oldest droppable messages must go for the estimate to fit; at least one, at most all. */
  private static int toDrop(List<Message> messages, List<Integer> droppable, String overflowMessage) {
    int[] numbers = numbers(overflowMessage);
    long totalChars = 0;
    for (Message m : messages) {
      totalChars += chars(m);
    }
    if (numbers == null || totalChars == 0) {
      return 1;
    }
    // llama.cpp needs the prompt strictly below the context (n_keep >= n_ctx is the refusal).
    double excessTokens = numbers[0] - (numbers[1] - 1);
    double tokensPerChar = (double) numbers[0] / totalChars;
    double dropped = 0;
    int drop = 0;
    while (drop < droppable.size() && (drop == 0 || dropped < excessTokens)) {
      dropped += chars(messages.get(droppable.get(drop))) * tokensPerChar;
      drop++;
    }
    return drop;
  }

  /** Text the template renders for a message: its content and its tool calls. Images are left out (no char count). */
  private static long chars(Message m) {
    long n = m.content().length();
    for (ChatRequest.ToolCall call : m.toolCalls()) {
      n += call.name().length() + call.argumentsJson().length();
    }
    return n;
  }

  /** {prompt tokens, context} from a refusal's text, or null when it carries neither wording. */
  static int[] numbers(String message) {
    for (Pattern[] pair : NUMBERS) {
      Matcher prompt = pair[0].matcher(message);
      Matcher context = pair[1].matcher(message);
      if (prompt.find() && context.find()) {
        try {
          return new int[] {Integer.parseInt(prompt.group(1)), Integer.parseInt(context.group(1))};
        } catch (NumberFormatException tooLong) {
          return null;
        }
      }
    }
    return null;
  }
}
