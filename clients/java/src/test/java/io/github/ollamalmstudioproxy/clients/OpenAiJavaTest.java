package io.github.ollamalmstudioproxy.clients;

import static io.github.ollamalmstudioproxy.clients.support.ProxyWithSimulator.CHAT_MODEL;
import static io.github.ollamalmstudioproxy.clients.support.ProxyWithSimulator.EMBED_MODEL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;
import io.github.ollamalmstudioproxy.clients.support.ClientTestBase;
import io.github.ollamalmstudioproxy.simulator.RecordedRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The official openai-java 4.101.0 client through the proxy's {@code /v1} passthrough (Copilot's chat path). */
class OpenAiJavaTest extends ClientTestBase {
  private OpenAIClient openai;

  @BeforeEach
  void client() {
    // The proxy runs without --api-key, so any key passes (openai-java refuses to send none).
    openai = OpenAIOkHttpClient.builder().baseUrl(proxy.baseUrl() + "/v1").apiKey("lm-studio").maxRetries(0)
        .timeout(Duration.ofSeconds(20)).build();
  }

  @AfterEach
  void closeClient() {
    openai.close();
  }

  @Test
  void listsTheApiTagsNamesAndRetrievesAndChatsWithEach() throws Exception {
    List<String> ids = openai.models().list().data().stream().map(Model::id).toList();
    String tags = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(proxy.baseUrl() + "/api/tags"))
        .build(), HttpResponse.BodyHandlers.ofString()).body();
    List<String> tagNames = new ArrayList<>();
    new ObjectMapper().readTree(tags).get("models").forEach(m -> tagNames.add(m.get("model").asText()));

    // Ollama's /v1/models lists the /api/tags names (ollama/ollama openai/openai.go ToListCompletion).
    assertThat(ids).isEqualTo(tagNames).contains(CHAT_MODEL + ":latest", EMBED_MODEL + ":latest");
    Model one = openai.models().retrieve(CHAT_MODEL + ":latest");
    assertThat(one.id()).isEqualTo(CHAT_MODEL + ":latest");
    assertThat(one.ownedBy()).isEqualTo("qwen");
    assertThat(openai.chat().completions().create(chat().model(CHAT_MODEL + ":latest").build())
        .choices().get(0).message().content()).contains(DEMO_ANSWER);
    RecordedRequest seen = proxy.chatCompletions().get(0);
    assertThat(seen.body()).contains("\"model\":\"" + CHAT_MODEL + "\"");
  }

  @Test
  void anUnknownModelIsOpenAisNotFound() {
    assertThatThrownBy(() -> openai.models().retrieve("gpt-4o-mini")).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> openai.chat().completions().create(chat().model("gpt-4o-mini").build()))
        .isInstanceOf(NotFoundException.class).hasMessageContaining("model 'gpt-4o-mini' not found");
  }

  @Test
  void chatsWithAndWithoutStreaming() {
    ChatCompletion completion = openai.chat().completions().create(chat().build());
    assertThat(completion.choices().get(0).message().content()).contains(DEMO_ANSWER);

    String streamed;
    try (StreamResponse<ChatCompletionChunk> stream = openai.chat().completions().createStreaming(chat()
        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
      streamed = stream.stream().flatMap(chunk -> chunk.choices().stream())
          .map(choice -> choice.delta().content().orElse("")).collect(Collectors.joining());
    }
    assertThat(streamed).isEqualTo(DEMO_ANSWER);
  }

  @Test
  void embeds() {
    CreateEmbeddingResponse response = openai.embeddings().create(EmbeddingCreateParams.builder().model(EMBED_MODEL)
        .inputOfArrayOfStrings(List.of("one", "two")).build());

    assertThat(response.data()).hasSize(2);
    assertThat(response.data().get(0).embedding()).isNotEmpty();
  }

  @Test
  void runsAToolRoundTrip() {
    proxy.script().toolCall("get_weather", "{\"city\":\"Paris\"}");
    ChatCompletionCreateParams.Builder params = chat().addFunctionTool(FunctionDefinition.builder()
        .name("get_weather").description("Weather for a city")
        .parameters(FunctionParameters.builder().putAdditionalProperty("type", JsonValue.from("object"))
            .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
            .build())
        .build());

    ChatCompletion first = openai.chat().completions().create(params.build());
    ChatCompletionMessageFunctionToolCall call = first.choices().get(0).message().toolCalls().orElseThrow().get(0)
        .asFunction();
    assertThat(call.function().name()).isEqualTo("get_weather");
    assertThat(call.function().arguments()).isEqualTo("{\"city\":\"Paris\"}");

    proxy.script().clearToolCalls().tokens(List.of("It", " is", " sunny", "."));
    ChatCompletion second = openai.chat().completions().create(params
        .addMessage(first.choices().get(0).message())
        .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.id()).content("sunny, 21 C").build())
        .build());

    assertThat(second.choices().get(0).message().content()).contains("It is sunny.");
  }

  @Test
  void closingAStreamClosesTheBackendRequest() {
    slowEndlessAnswer();

    try (StreamResponse<ChatCompletionChunk> stream = openai.chat().completions().createStreaming(chat().build())) {
      Iterator<ChatCompletionChunk> chunks = stream.stream().iterator();
      for (int i = 0; i < 3; i++) {
        assertThat(chunks.hasNext()).isTrue();
        chunks.next();
      }
    }

    RecordedRequest upstream = proxy.awaitBackendRequest("/v1/chat/completions");
    proxy.awaitUpstreamClosed(upstream);
    assertThat(upstream.tokensEmitted()).isLessThan(100);
  }

  private static ChatCompletionCreateParams.Builder chat() {
    return ChatCompletionCreateParams.builder().model(CHAT_MODEL).addUserMessage("Hello there");
  }
}
