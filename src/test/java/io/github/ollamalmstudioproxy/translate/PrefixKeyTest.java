package io.github.ollamalmstudioproxy.translate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.ollamalmstudioproxy.ollama.Json;
import io.github.ollamalmstudioproxy.translate.anthropic.MessagesRequest;
import io.github.ollamalmstudioproxy.translate.responses.ResponsesRequest;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The affinity key per API: shared across the turns of a conversation, apart between conversations. */
class PrefixKeyTest {
  private static final String SYSTEM = "You are a careful coding assistant.";
  private static final String FIRST = "Why does my Vert.x handler block the event loop?";
  private static final String IMAGE = "data:image/png;base64," + Base64.getEncoder().encodeToString(bytes(300, 1));
  private static final String OTHER_IMAGE = "data:image/png;base64," + Base64.getEncoder().encodeToString(bytes(300, 2));

  /** A PNG signature and random bytes: Ollama's image check names it image/png, as the data URL here does. */
  private static byte[] bytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    byte[] png = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    System.arraycopy(png, 0, b, 0, png.length);
    return b;
  }

  private static JsonNode json(String text) {
    try {
      return Json.MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String q(String text) {
    return JsonTestSupport.quote(text);
  }

  private static String msg(String role, String content) {
    return "{\"role\":" + q(role) + ",\"content\":" + q(content) + "}";
  }

  // ---- Ollama /api/chat

  private static long chat(String... messages) {
    return PrefixKey.of(ChatRequest.parse(json("{\"model\":\"m\",\"messages\":[" + String.join(",", messages) + "]}")));
  }

  @Test
  void chatTurnsOfOneConversationShareTheKey() {
    long turn1 = chat(msg("system", SYSTEM), msg("user", FIRST));
    long turn5 = chat(msg("system", SYSTEM), msg("user", FIRST), msg("assistant", "Because..."),
        msg("user", "And with executeBlocking?"), msg("assistant", "Then..."), msg("user", "Thanks; one more"));
    assertThat(turn1).isNotZero().isEqualTo(turn5);
  }

  static Stream<Arguments> chatPairs() {
    return Stream.of(
        differ("same system prompt, other first message",
            chat(msg("system", SYSTEM), msg("user", FIRST)), chat(msg("system", SYSTEM), msg("user", "Hello"))),
        differ("same first message, other system prompt",
            chat(msg("system", SYSTEM), msg("user", FIRST)), chat(msg("system", "Be brief."), msg("user", FIRST))),
        differ("a system prompt or none",
            chat(msg("system", SYSTEM), msg("user", FIRST)), chat(msg("user", FIRST))),
        differ("the same text from another role",
            chat(msg("user", FIRST)), chat(msg("assistant", FIRST))),
        differ("two system messages are not their concatenation",
            chat(msg("system", "ab"), msg("user", FIRST)), chat(msg("system", "a"), msg("system", "b"),
                msg("user", FIRST))),
        differ("an image or none", chat(imageMessage(FIRST, IMAGE)), chat(msg("user", FIRST))),
        differ("another image", chat(imageMessage(FIRST, IMAGE)), chat(imageMessage(FIRST, OTHER_IMAGE))),
        differ("an assistant greeting first: the first user message still counts",
            chat(msg("assistant", "Hi! How can I help?"), msg("user", FIRST)),
            chat(msg("assistant", "Hi! How can I help?"), msg("user", "Hello"))),
        same("the same image", chat(imageMessage(FIRST, IMAGE), msg("assistant", "a cat")),
            chat(imageMessage(FIRST, IMAGE))),
        same("tools and options are not part of the prefix", chat(msg("user", FIRST)),
            PrefixKey.of(ChatRequest.parse(json("{\"model\":\"other\",\"messages\":[" + msg("user", FIRST)
                + "],\"options\":{\"temperature\":0.1},\"tools\":[{\"type\":\"function\",\"function\":"
                + "{\"name\":\"f\"}}]}")))),
        same("system and developer are one role", chat(msg("system", SYSTEM), msg("user", FIRST)),
            chat(msg("developer", SYSTEM), msg("user", FIRST))));
  }

  private static String imageMessage(String text, String image) {
    return "{\"role\":\"user\",\"content\":" + q(text) + ",\"images\":[" + q(image) + "]}";
  }

  private static Arguments differ(String name, long a, long b) {
    return Arguments.of(Named.of(name, a), b, false);
  }

  private static Arguments same(String name, long a, long b) {
    return Arguments.of(Named.of(name, a), b, true);
  }

  @ParameterizedTest
  @MethodSource({"chatPairs", "openAiPairs", "generatePairs", "anthropicPairs", "responsesPairs"})
  void keysOfPairs(long a, long b, boolean equal) {
    assertThat(a).isNotZero();
    assertThat(b).isNotZero();
    if (equal) {
      assertThat(a).isEqualTo(b);
    } else {
      assertThat(a).isNotEqualTo(b);
    }
  }

  @Test
  void aChatWithoutMessagesHasNoKeyAndOnlySystemMessagesHaveOne() {
    assertThat(chat()).isZero();
    assertThat(chat(msg("system", SYSTEM))).isNotZero();
  }

  // ---- Ollama /api/generate

  private static long generate(String system, String prompt, String suffix) {
    StringBuilder body = new StringBuilder("{\"model\":\"m\",\"prompt\":").append(q(prompt));
    if (system != null) {
      body.append(",\"system\":").append(q(system));
    }
    if (suffix != null) {
      body.append(",\"suffix\":").append(q(suffix));
    }
    return PrefixKey.ofGenerate(GenerateRequest.parse(json(body.append('}').toString())));
  }

  static Stream<Arguments> generatePairs() {
    String file = "import java.util.List;\n".repeat(200);
    return Stream.of(
        same("FIM requests of one file share the key whatever follows the first 2,048 characters or the suffix",
            generate(null, file + "class A {", "}\n"), generate(null, file + "class A { void b() {", "}}\n")),
        differ("files that differ within the first 2,048 characters",
            generate(null, "package a;\n" + file, null), generate(null, "package b;\n" + file, null)),
        differ("the system prompt counts", generate(SYSTEM, FIRST, null), generate(null, FIRST, null)),
        same("a short generate keys as the same chat", generate(SYSTEM, FIRST, null),
            chat(msg("system", SYSTEM), msg("user", FIRST))));
  }

  @Test
  void aGenerateWithoutPromptOrSystemHasNoKey() {
    assertThat(generate(null, "", null)).isZero();
  }

  // ---- OpenAI chat completions, raw

  private static long openAi(String body) {
    return PrefixKey.ofOpenAiChat(body.getBytes(StandardCharsets.UTF_8));
  }

  private static long openAiMessages(String... messages) {
    return openAi("{\"model\":\"m\",\"messages\":[" + String.join(",", messages) + "]}");
  }

  private static String parts(String role, String... parts) {
    return "{\"role\":" + q(role) + ",\"content\":[" + String.join(",", parts) + "]}";
  }

  private static String textPart(String text) {
    return "{\"type\":\"text\",\"text\":" + q(text) + "}";
  }

  private static String imagePart(String url) {
    return "{\"type\":\"image_url\",\"image_url\":{\"url\":" + q(url) + ",\"detail\":\"auto\"}}";
  }

  static Stream<Arguments> openAiPairs() {
    String tools = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{\"type\":\"object\""
        + ",\"properties\":{\"a\":{\"type\":[\"string\",null]}}}}}]";
    return Stream.of(
        same("turn 1 and turn 3", openAiMessages(msg("system", SYSTEM), msg("user", FIRST)),
            openAiMessages(msg("system", SYSTEM), msg("user", FIRST), msg("assistant", "x"), msg("user", "y"))),
        differ("another first message", openAiMessages(msg("system", SYSTEM), msg("user", FIRST)),
            openAiMessages(msg("system", SYSTEM), msg("user", "Hello"))),
        same("the role may come after the content",
            openAiMessages(msg("system", SYSTEM), msg("user", FIRST)),
            openAiMessages("{\"content\":" + q(SYSTEM) + ",\"role\":\"system\"}",
                "{\"name\":\"bob\",\"content\":" + q(FIRST) + ",\"role\":\"user\"}")),
        same("messages after tools, model and stream", openAiMessages(msg("user", FIRST)),
            openAi("{\"model\":\"m\",\"stream\":true," + tools + ",\"messages\":[" + msg("user", FIRST) + "]}")),
        same("the same text as Ollama chat", openAiMessages(msg("system", SYSTEM), msg("user", FIRST)),
            chat(msg("system", SYSTEM), msg("user", FIRST))),
        same("escapes are read as the text they stand for", openAiMessages(msg("user", "a \"quoted\" é\n")),
            openAi("{\"messages\":[{\"role\":\"user\",\"content\":\"a \\\"quoted\\\" \\u00e9\\n\"}]}")),
        same("an image part keys as the same Ollama image",
            openAiMessages(parts("user", textPart(FIRST), imagePart(IMAGE))), chat(imageMessage(FIRST, IMAGE))),
        same("an image URL as a bare string", openAiMessages(parts("user", textPart(FIRST), imagePart(IMAGE))),
            openAiMessages(parts("user", textPart(FIRST), "{\"type\":\"image_url\",\"image_url\":" + q(IMAGE) + "}"))),
        differ("another image", openAiMessages(parts("user", textPart(FIRST), imagePart(IMAGE))),
            openAiMessages(parts("user", textPart(FIRST), imagePart(OTHER_IMAGE)))),
        same("developer is system", openAiMessages(msg("developer", SYSTEM), msg("user", FIRST)),
            openAiMessages(msg("system", SYSTEM), msg("user", FIRST))),
        same("null content and tool calls of an assistant before the first user message",
            openAiMessages("{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"1\"}]}",
                msg("user", FIRST)),
            openAiMessages("{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"2\"}]}", msg("user", FIRST))),
        same("nothing after the first user message is read, not even broken JSON",
            openAiMessages(msg("user", FIRST)), openAi("{\"messages\":[" + msg("user", FIRST) + ",{\"role\":")));
  }

  static Stream<Arguments> noKeyBodies() {
    return Stream.of(
        Arguments.of(Named.of("empty", "")),
        Arguments.of(Named.of("not JSON", "hello")),
        Arguments.of(Named.of("no messages", "{\"model\":\"m\"}")),
        Arguments.of(Named.of("an empty array", "{\"model\":\"m\",\"messages\":[]}")),
        Arguments.of(Named.of("messages not an array", "{\"messages\":{\"role\":\"user\"}}")),
        Arguments.of(Named.of("a message not an object", "{\"messages\":[\"hi\"]}")),
        Arguments.of(Named.of("content a number", "{\"messages\":[{\"role\":\"user\",\"content\":3}]}")),
        Arguments.of(Named.of("a part not an object", "{\"messages\":[{\"role\":\"user\",\"content\":[\"hi\"]}]}")),
        Arguments.of(Named.of("role not a string", "{\"messages\":[{\"role\":1,\"content\":\"hi\"}]}")),
        Arguments.of(Named.of("a JSON array", "[{\"role\":\"user\",\"content\":\"hi\"}]")),
        Arguments.of(Named.of("cut inside the prefix", "{\"messages\":[{\"role\":\"system\",\"content\":\"abc")),
        Arguments.of(Named.of("cut inside an image", "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":"
            + "\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,AAAA")),
        Arguments.of(Named.of("broken before the messages", "{\"model\":,\"messages\":[]}")));
  }

  @ParameterizedTest
  @MethodSource("noKeyBodies")
  void openAiBodiesWithoutAReadablePrefixHaveNoKey(String body) {
    assertThat(openAi(body)).isZero();
  }

  /** A body that is a slice of a larger array (a pooled buffer's) keys as the same body on its own, images too. */
  @Test
  void aBodyInsideALargerArrayKeysAsTheBodyAlone() {
    String body = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\","
        + "\"text\":\"hi\"},{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,QUJD\"}}]}]}";
    byte[] alone = body.getBytes(StandardCharsets.UTF_8);
    byte[] inside = ("garbage[" + body + "]trailing").getBytes(StandardCharsets.UTF_8);
    long key = PrefixKey.ofOpenAiChat(alone);
    assertThat(key).isNotZero();
    assertThat(PrefixKey.ofOpenAiChat(inside, 8, alone.length)).isEqualTo(key);
  }

  @Test
  void aNullBodyHasNoKey() {
    assertThat(PrefixKey.ofOpenAiChat(null)).isZero();
  }

  @Test
  void noMangledBodyThrows() {
    byte[] body = ("{\"model\":\"m\",\"messages\":[" + msg("system", SYSTEM) + ","
        + parts("user", textPart(FIRST), imagePart(IMAGE)) + "]}").getBytes(StandardCharsets.UTF_8);
    Random random = new Random(7);
    for (int i = 0; i < 2_000; i++) {
      byte[] mangled = java.util.Arrays.copyOf(body, 1 + random.nextInt(body.length));
      for (int j = 0; j < 3; j++) {
        mangled[random.nextInt(mangled.length)] = (byte) random.nextInt(256);
      }
      assertThatCode(() -> PrefixKey.ofOpenAiChat(mangled)).doesNotThrowAnyException();
    }
  }

  /**
   * A 21 MB image is longer than the shared parser will decode as one string (20 million characters), so a key
   * here shows that the image was fingerprinted in place rather than copied out of the body.
   */
  @Test
  void aHugeImageIsFingerprintedWhereItLies() {
    String payload = "A".repeat(21_000_000);
    String huge = "data:image/png;base64," + payload;
    String other = "data:image/png;base64," + payload.substring(1) + "B";
    long key = openAiMessages(parts("user", textPart(FIRST), imagePart(huge)));
    assertThat(key).isNotZero()
        .isNotEqualTo(openAiMessages(parts("user", textPart(FIRST), imagePart(other))))
        .isEqualTo(openAiMessages(parts("user", textPart(FIRST), imagePart(huge)), msg("assistant", "x")));
  }

  // ---- Anthropic messages and OpenAI Responses

  private static long anthropic(String system, String... messages) {
    return PrefixKey.ofAnthropic(MessagesRequest.parse(json("{\"model\":\"m\",\"max_tokens\":100,"
        + (system == null ? "" : "\"system\":" + system + ",") + "\"messages\":[" + String.join(",", messages)
        + "]}")));
  }

  static Stream<Arguments> anthropicPairs() {
    String blocks = "[{\"type\":\"text\",\"text\":" + q(SYSTEM) + ",\"cache_control\":{\"type\":\"ephemeral\"}}]";
    return Stream.of(
        same("turn 1 and turn 2", anthropic(q(SYSTEM), msg("user", FIRST)),
            anthropic(q(SYSTEM), msg("user", FIRST), msg("assistant", "x"), msg("user", "y"))),
        differ("another first message", anthropic(q(SYSTEM), msg("user", FIRST)),
            anthropic(q(SYSTEM), msg("user", "Hello"))),
        differ("another system prompt", anthropic(q(SYSTEM), msg("user", FIRST)),
            anthropic(q("Be brief."), msg("user", FIRST))),
        same("system as blocks with cache_control", anthropic(q(SYSTEM), msg("user", FIRST)),
            anthropic(blocks, "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":" + q(FIRST)
                + ",\"cache_control\":{\"type\":\"ephemeral\"}}]}")),
        same("the same text as OpenAI chat", anthropic(q(SYSTEM), msg("user", FIRST)),
            openAiMessages(msg("system", SYSTEM), msg("user", FIRST))));
  }

  private static long responses(String instructions, String input) {
    return PrefixKey.ofResponses(ResponsesRequest.parse(json("{\"model\":\"m\","
        + (instructions == null ? "" : "\"instructions\":" + q(instructions) + ",") + "\"input\":" + input + "}")));
  }

  private static String item(String role, String text) {
    String type = role.equals("assistant") ? "output_text" : "input_text";
    return "{\"type\":\"message\",\"role\":" + q(role) + ",\"content\":[{\"type\":\"" + type + "\",\"text\":"
        + q(text) + "}]}";
  }

  static Stream<Arguments> responsesPairs() {
    return Stream.of(
        same("a string input and the same one item", responses(SYSTEM, q(FIRST)),
            responses(SYSTEM, "[" + item("user", FIRST) + "]")),
        same("turn 1 and turn 2, with a function call in between", responses(SYSTEM, "[" + item("user", FIRST) + "]"),
            responses(SYSTEM, "[" + item("user", FIRST) + ",{\"type\":\"function_call\",\"call_id\":\"c1\",\"name\":"
                + "\"f\",\"arguments\":\"{}\"},{\"type\":\"function_call_output\",\"call_id\":\"c1\",\"output\":\"ok\"},"
                + item("assistant", "done") + "," + item("user", "next") + "]")),
        differ("another first input", responses(SYSTEM, q(FIRST)), responses(SYSTEM, q("Hello"))),
        differ("other instructions", responses(SYSTEM, q(FIRST)), responses("Be brief.", q(FIRST))),
        same("a developer item is the system prompt", responses(SYSTEM, q(FIRST)),
            responses(null, "[" + item("developer", SYSTEM) + "," + item("user", FIRST) + "]")),
        same("the same text as OpenAI chat", responses(SYSTEM, q(FIRST)),
            openAiMessages(msg("system", SYSTEM), msg("user", FIRST))));
  }

  @Test
  void aChatMessagesTreeOfAnotherShapeHasNoKey() {
    assertThat(PrefixKey.ofChatMessages(null)).isZero();
    assertThat(PrefixKey.ofChatMessages(json("{}"))).isZero();
    assertThat(PrefixKey.ofChatMessages(json("[]"))).isZero();
    assertThat(PrefixKey.ofChatMessages(json("[1]"))).isZero();
    assertThat(PrefixKey.ofChatMessages(json("[{\"role\":\"user\",\"content\":{}}]"))).isZero();
  }
}
