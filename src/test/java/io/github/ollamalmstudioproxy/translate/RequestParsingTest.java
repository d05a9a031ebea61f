package io.github.ollamalmstudioproxy.translate;

import static io.github.ollamalmstudioproxy.translate.JsonTestSupport.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.ollamalmstudioproxy.ollama.OllamaError;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RequestParsingTest {

  static Stream<Arguments> keepAliveValues() {
    return Stream.of(
        ka("minutes", "\"5m\"", "PT5M", 300L),
        ka("go client form", "\"5m0s\"", "PT5M", 300L),
        ka("hours and minutes", "\"1h30m\"", "PT1H30M", 5400L),
        ka("milliseconds round up to one second", "\"300ms\"", "PT0.3S", 1L),
        ka("fractional unit", "\"1.5h\"", "PT1H30M", 5400L),
        ka("micro sign", "\"2\u00b5s\"", "PT0.000002S", 1L),
        ka("zero string unloads", "\"0\"", "PT0S", null),
        ka("zero number unloads", "0", "PT0S", null),
        ka("seconds as number", "300", "PT5M", 300L),
        ka("fractional seconds", "0.25", "PT0.25S", 1L),
        ka("negative number is forever", "-1", "forever", null),
        ka("negative string is forever", "\"-1\"", "forever", null),
        ka("negative duration is forever", "\"-5m\"", "forever", null),
        ka("bare number in a string", "\"300\"", "400 invalid keep_alive: time: missing unit in duration \"300\"", null),
        ka("unknown unit", "\"2d\"", "400 invalid keep_alive: time: unknown unit \"d\" in duration \"2d\"", null),
        ka("garbage", "\"soon\"", "400 invalid keep_alive: time: invalid duration \"soon\"", null),
        ka("boolean", "true",
            "400 invalid value for \"keep_alive\": expected a duration string or a number of seconds, got boolean", null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("keepAliveValues")
  void keepAliveParsesLikeOllama(String literal, String expected, Long ttl) {
    String body = "{\"model\":\"m\",\"keep_alive\":" + literal + "}";
    if (expected.startsWith("4")) {
      assertThat(error(() -> ChatRequest.parse(json(body)))).isEqualTo(expected);
      return;
    }
    KeepAlive keepAlive = ChatRequest.parse(json(body)).keepAlive();
    if (expected.equals("forever")) {
      assertThat(keepAlive.isForever()).isTrue();
    } else {
      assertThat(keepAlive.duration()).isEqualTo(Duration.parse(expected));
    }
    assertThat(keepAlive.ttlSeconds().isPresent() ? keepAlive.ttlSeconds().getAsLong() : null).isEqualTo(ttl);
  }

  static Stream<Arguments> wrongTypes() {
    return Stream.of(
        wt("stream as string", "{\"model\":\"m\",\"stream\":\"yes\"}",
            "400 invalid value for \"stream\": expected a boolean, got string"),
        wt("model as number", "{\"model\":5}", "400 invalid value for \"model\": expected a string, got number"),
        wt("messages as object", "{\"model\":\"m\",\"messages\":{}}",
            "400 invalid value for \"messages\": expected an array, got object"),
        wt("message without role", "{\"model\":\"m\",\"messages\":[{\"content\":\"x\"}]}",
            "400 invalid message: \"messages[0].role\" is required"),
        wt("images not strings", "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"images\":[1]}]}",
            "400 invalid value for \"messages[0].images[0]\": expected a base64 string, got number"),
        wt("tool call arguments as array",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"assistant\",\"tool_calls\":[{\"function\":{\"name\":\"f\",\"arguments\":[]}}]}]}",
            "400 invalid value for \"messages[0].tool_calls[0].function.arguments\": expected an object, got array"),
        wt("tools as string", "{\"model\":\"m\",\"tools\":\"x\"}",
            "400 invalid value for \"tools\": expected an array, got string"),
        wt("options as array", "{\"model\":\"m\",\"options\":[]}",
            "400 invalid value for \"options\": expected an object, got array"),
        wt("num_predict as string", "{\"model\":\"m\",\"options\":{\"num_predict\":\"10\"}}",
            "400 option \"num_predict\" must be of type integer, got string"),
        wt("stop with a number", "{\"model\":\"m\",\"options\":{\"stop\":[\"a\",1]}}",
            "400 option \"stop\" must contain only strings, got number"),
        wt("format as number", "{\"model\":\"m\",\"format\":5}",
            "400 invalid format: 5; expected \"json\" or a valid JSON Schema object"),
        wt("think as number", "{\"model\":\"m\",\"think\":1}",
            "400 invalid think value: 1 (must be true, false, \"low\", \"medium\", \"high\" or \"max\")"),
        wt("top_logprobs out of range", "{\"model\":\"m\",\"top_logprobs\":21}", "400 top_logprobs must be between 0 and 20"),
        wt("body not an object", "[]", "400 invalid value for \"request body\": expected a JSON object, got array"),
        wt("empty model", "{\"model\":\"\"}", "400 model is required"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("wrongTypes")
  void chatRejectsBadFieldsNamingThem(String body, String expected) {
    assertThat(error(() -> ChatRequest.parse(json(body)))).isEqualTo(expected);
  }

  @Test
  void missingBodyIsRejected() {
    assertThat(error(() -> ChatRequest.parse(null))).isEqualTo("400 missing request body");
  }

  @Test
  void streamDefaultsToTrueAndFalseIsKept() {
    assertThat(ChatRequest.parse(json("{\"model\":\"m\"}")).stream()).isTrue();
    assertThat(ChatRequest.parse(json("{\"model\":\"m\",\"stream\":null}")).stream()).isTrue();
    assertThat(ChatRequest.parse(json("{\"model\":\"m\",\"stream\":false}")).stream()).isFalse();
    assertThat(GenerateRequest.parse(json("{\"model\":\"m\"}")).stream()).isTrue();
  }

  @Test
  void modelIsKeptExactlyAsSent() {
    assertThat(ChatRequest.parse(json("{\"model\":\"Qwen3:4B\"}")).model()).isEqualTo("Qwen3:4B");
  }

  /** Bodies prefixed with {@code "generate "} go to the generate parser, the others to chat. */
  static Stream<Arguments> loadRequests() {
    return Stream.of(
        lr("chat without messages loads", "{\"model\":\"m\"}", true, false),
        lr("chat with empty messages loads", "{\"model\":\"m\",\"messages\":[]}", true, false),
        lr("chat with keep_alive 0 unloads", "{\"model\":\"m\",\"messages\":[],\"keep_alive\":0}", true, true),
        lr("chat with keep_alive \"0s\" unloads", "{\"model\":\"m\",\"keep_alive\":\"0s\"}", true, true),
        lr("chat with a message generates", "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"\"}],\"keep_alive\":0}",
            false, false),
        lr("generate with empty prompt loads", "generate {\"model\":\"m\",\"prompt\":\"\"}", true, false),
        lr("generate with empty prompt and keep_alive 0 unloads", "generate {\"model\":\"m\",\"keep_alive\":0}", true, true),
        lr("generate with a prompt generates", "generate {\"model\":\"m\",\"prompt\":\"x\",\"keep_alive\":0}", false, false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("loadRequests")
  void emptyHistoryOrPromptIsALoadOrUnload(String body, boolean load, boolean unload) {
    if (body.startsWith("generate ")) {
      body = body.substring("generate ".length());
      GenerateRequest g = GenerateRequest.parse(json(body));
      assertThat(g.isLoadRequest()).isEqualTo(load);
      assertThat(g.isUnloadRequest()).isEqualTo(unload);
    } else {
      ChatRequest c = ChatRequest.parse(json(body));
      assertThat(c.isLoadRequest()).isEqualTo(load);
      assertThat(c.isUnloadRequest()).isEqualTo(unload);
    }
  }

  @Test
  void ignoredOptionsAndFeaturesAreReported() {
    ChatRequest chat = ChatRequest.parse(json(
        "{\"model\":\"m\",\"truncate\":true,\"logprobs\":true,\"options\":{\"num_ctx\":8192,\"temperature\":0.1,\"mirostat\":2}}"));
    assertThat(chat.ignored()).as("truncate, logprobs and num_ctx are honoured").containsExactly("options.mirostat");
    assertThat(OllamaToOpenAi.chat(chat, "b", BackendDialect.LM_STUDIO).ignored()).isEqualTo(chat.ignored());
    assertThat(OllamaToOpenAi.chat(chat, "b", BackendDialect.LM_STUDIO).numCtx()).isEqualTo(8192);
    assertThat(GenerateRequest.parse(json("{\"model\":\"m\",\"prompt\":\"p\",\"truncate\":false}")).ignored())
        .as("one prompt has no turns to drop").containsExactly("truncate");

    GenerateRequest generate = GenerateRequest.parse(json(
        "{\"model\":\"m\",\"prompt\":\"p\",\"template\":\"{{.Prompt}}\",\"context\":[1],\"options\":{\"num_gpu\":1}}"));
    assertThat(generate.ignored()).containsExactly("template", "context", "options.num_gpu");

    GenerateRequest raw = GenerateRequest.parse(json("{\"model\":\"m\",\"prompt\":\"p\",\"raw\":true,\"format\":\"json\",\"think\":true}"));
    assertThat(raw.ignored()).containsExactly("format", "think");
  }

  /** {@code api/types.go:113} (absent is true, {@code server/routes.go:2695}); {@code server/sched.go:170} (at least 4). */
  @Test
  void truncateDefaultsToTrueAndNumCtxFollowsOllamasRules() {
    assertThat(ChatRequest.parse(json("{\"model\":\"m\"}")).truncate()).isTrue();
    assertThat(ChatRequest.parse(json("{\"model\":\"m\",\"truncate\":false}")).truncate()).isFalse();
    assertThat(ChatRequest.parse(json("{\"model\":\"m\",\"options\":{\"num_ctx\":0}}")).options().numCtx())
        .as("0 is the default").isNull();
    assertThat(ChatRequest.parse(json("{\"model\":\"m\",\"options\":{\"num_ctx\":2}}")).options().numCtx())
        .isEqualTo(4);
    assertThat(ChatRequest.parse(json("{\"model\":\"m\",\"options\":{\"num_ctx\":8192.0}}")).options().numCtx())
        .isEqualTo(8192);
    OllamaError wrong = catchThrowableOfType(OllamaError.class,
        () -> ChatRequest.parse(json("{\"model\":\"m\",\"options\":{\"num_ctx\":\"big\"}}")));
    assertThat(wrong.status() + " " + wrong.getMessage())
        .isEqualTo("400 option \"num_ctx\" must be of type integer, got string");
    OllamaError notBool = catchThrowableOfType(OllamaError.class,
        () -> ChatRequest.parse(json("{\"model\":\"m\",\"truncate\":\"no\"}")));
    assertThat(notBool.status()).isEqualTo(400);
  }

  @Test
  void translationAlwaysStreamsUpstreamAndNeverSendsEmptyTools() {
    UpstreamRequest out = OllamaToOpenAi.chat(
        ChatRequest.parse(json("{\"model\":\"m\",\"stream\":false,\"tools\":[],\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")),
        "backend-id", BackendDialect.LM_STUDIO);
    assertThat(new String(out.body(), StandardCharsets.UTF_8)).isEqualTo(
        "{\"model\":\"backend-id\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],"
            + "\"stream\":true,\"stream_options\":{\"include_usage\":true}}");
  }

  @Test
  void rawModeRejectsImages() {
    assertThat(error(() -> GenerateRequest.parse(json(
        "{\"model\":\"m\",\"prompt\":\"p\",\"raw\":true,\"images\":[\"iVBORw0KGgo=\"]}"))))
        .isEqualTo("400 raw mode does not support images");
  }

  private static String error(Runnable r) {
    OllamaError e = catchThrowableOfType(OllamaError.class, r::run);
    assertThat(e).as("expected an OllamaError").isNotNull();
    return e.status() + " " + e.getMessage();
  }

  private static Arguments ka(String name, String literal, String expected, Long ttl) {
    return Arguments.of(Named.of(name, literal), expected, ttl);
  }

  private static Arguments wt(String name, String body, String expected) {
    return Arguments.of(Named.of(name, body), expected);
  }

  private static Arguments lr(String name, String body, boolean load, boolean unload) {
    return Arguments.of(Named.of(name, body), load, unload);
  }
}
