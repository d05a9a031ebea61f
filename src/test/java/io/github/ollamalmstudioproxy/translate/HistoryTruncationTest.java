package io.github.ollamalmstudioproxy.translate;

import static io.github.ollamalmstudioproxy.translate.JsonTestSupport.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Ollama's {@code truncate} over a backend that only says "too long": {@code server/prompt.go:35-73}
 * ({@code chatPrompt}) drops messages from the front, keeps the system messages of the dropped part, and always keeps
 * the last message; here the last user turn is the floor, and LM Studio's numbers (reference §5) size the cut.
 */
class HistoryTruncationTest {
  private static final String NO_NUMBERS = "context_length_exceeded";

  private static ChatRequest chat(String... roleAndContent) {
    StringBuilder messages = new StringBuilder();
    for (int i = 0; i < roleAndContent.length; i += 2) {
      messages.append(i == 0 ? "" : ",").append("{\"role\":\"").append(roleAndContent[i])
          .append("\",\"content\":\"").append(roleAndContent[i + 1]).append("\"}");
    }
    return ChatRequest.parse(json("{\"model\":\"m\",\"messages\":[" + messages + "]}"));
  }

  private static List<String> contents(Optional<ChatRequest> request) {
    return request.orElseThrow().messages().stream().map(m -> m.role() + ":" + m.content()).toList();
  }

  @Test
  void withoutNumbersOneMessageGoesPerRoundAndSystemMessagesAndTheLastUserTurnStay() {
    HistoryTruncation t = new HistoryTruncation(chat("system", "s1", "user", "u1", "assistant", "a1", "system", "s2",
        "user", "u2", "assistant", "a2", "user", "u3"));

    assertThat(contents(t.after(NO_NUMBERS))).containsExactly("system:s1", "assistant:a1", "system:s2", "user:u2",
        "assistant:a2", "user:u3");
    assertThat(contents(t.after(NO_NUMBERS))).containsExactly("system:s1", "system:s2", "user:u2", "assistant:a2",
        "user:u3");
    assertThat(contents(t.after(NO_NUMBERS))).containsExactly("system:s1", "system:s2", "assistant:a2", "user:u3");
    assertThat(contents(t.after(NO_NUMBERS))).containsExactly("system:s1", "system:s2", "user:u3");
    assertThat(t.rounds()).isEqualTo(4);
  }

  @Test
  void nothingIsLeftToDropOnceOnlySystemAndTheLastUserTurnRemain() {
    HistoryTruncation t = new HistoryTruncation(chat("system", "s", "user", "old", "user", "new"));

    assertThat(contents(t.after(NO_NUMBERS))).containsExactly("system:s", "user:new");
    assertThat(t.after(NO_NUMBERS)).isEmpty();
  }

  @Test
  void roundsAreBounded() {
    String[] long20 = new String[40];
    for (int i = 0; i < 40; i += 2) {
      long20[i] = i % 4 == 0 ? "user" : "assistant";
      long20[i + 1] = "m" + i;
    }
    HistoryTruncation t = new HistoryTruncation(chat(long20));
    for (int i = 0; i < HistoryTruncation.MAX_ROUNDS; i++) {
      assertThat(t.after(NO_NUMBERS)).isPresent();
    }
    assertThat(t.after(NO_NUMBERS)).isEmpty();
  }

  @Test
  void lmStudiosNumbersSizeTheCutByEachMessagesShareOfTheText() {
    String hundred = "x".repeat(100);
    HistoryTruncation t = new HistoryTruncation(chat("system", "s".repeat(10), "user", hundred, "assistant", hundred,
        "user", hundred, "assistant", hundred, "user", "q".repeat(10)));
    // 420 characters, 420 tokens; the context holds 249: 171 tokens must go, so two 100-character messages.
    String refusal = "The number of tokens to keep from the initial prompt is greater than the context length "
        + "(n_keep: 420>= n_ctx: 250). Try to load the model with a larger context length, or provide a shorter input.";

    List<String> kept = contents(t.after(refusal));

    assertThat(kept).hasSize(4);
    assertThat(kept.get(0)).startsWith("system:");
    assertThat(kept.get(1)).startsWith("user:x");
    assertThat(kept.get(3)).isEqualTo("user:" + "q".repeat(10));
    assertThat(t.rounds()).isEqualTo(1);
  }

  @Test
  void everyWordingOfTheRefusalGivesItsNumbers() {
    assertThat(HistoryTruncation.numbers("The number of tokens to keep from the initial prompt is greater than the "
        + "context length (n_keep: 13055>= n_ctx: 4096). Try to load the model")).containsExactly(13055, 4096);
    assertThat(HistoryTruncation.numbers("Cannot truncate prompt with n_keep (12378) >= n_ctx (4096)"))
        .containsExactly(12378, 4096);
    assertThat(HistoryTruncation.numbers("Trying to keep the first 15857 tokens when context the overflows. However, "
        + "the model is loaded with context length of only 4096 tokens, which is not enough.")).containsExactly(15857,
        4096);
    assertThat(HistoryTruncation.numbers("The number of tokens to keep from the initial prompt is greater than the "
        + "context length. Try to load the model with a larger context length")).isNull();
  }

  @Test
  void aToolExchangeAfterTheLastUserTurnIsKeptWhole() {
    ChatRequest request = ChatRequest.parse(json("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":"
        + "\"old\"},{\"role\":\"assistant\",\"content\":\"a\"},{\"role\":\"user\",\"content\":\"weather?\"},"
        + "{\"role\":\"assistant\",\"tool_calls\":[{\"function\":{\"name\":\"w\",\"arguments\":{}}}]},"
        + "{\"role\":\"tool\",\"content\":\"sunny\",\"tool_name\":\"w\"}]}"));
    HistoryTruncation t = new HistoryTruncation(request);

    t.after(NO_NUMBERS);
    assertThat(contents(t.after(NO_NUMBERS))).containsExactly("user:weather?", "assistant:", "tool:sunny");
    assertThat(t.after(NO_NUMBERS)).isEmpty();
  }
}
