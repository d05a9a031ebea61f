package io.github.ollamalmstudioproxy.clients;

import static io.github.ollamalmstudioproxy.clients.support.ProxyWithSimulator.CHAT_MODEL;
import static io.github.ollamalmstudioproxy.clients.support.ProxyWithSimulator.EMBED_MODEL;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.ollamalmstudioproxy.clients.support.ClientTestBase;
import io.github.ollamalmstudioproxy.simulator.RecordedRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.embedding.EmbeddingResponse;
import org.springframework.ai.ollama.OllamaChatModel;
import org.springframework.ai.ollama.OllamaEmbeddingModel;
import org.springframework.ai.ollama.api.OllamaApi;
import org.springframework.ai.ollama.api.OllamaChatOptions;
import org.springframework.ai.ollama.api.OllamaEmbeddingOptions;
import org.springframework.ai.tool.function.FunctionToolCallback;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;

/**
 * Spring AI 1.1.2's Ollama module against the proxy, wired by hand (no Spring Boot). Spring AI parses
 * {@code created_at} as an {@code Instant}, durations as integer nanoseconds, and streams with WebClient while sending
 * {@code Accept: application/json}.
 */
class SpringAiTest extends ClientTestBase {
  private OllamaApi api;

  @BeforeEach
  void client() {
    // Spring's defaults, as a Spring Boot app gets them: WebClient finds Reactor Netty on the class path.
    api = OllamaApi.builder().baseUrl(proxy.baseUrl()).restClientBuilder(RestClient.builder())
        .webClientBuilder(WebClient.builder()).build();
  }

  @Test
  void listsAndShowsEveryModel() {
    List<OllamaApi.Model> models = api.listModels().models();

    assertThat(models).extracting(OllamaApi.Model::model).contains(CHAT_MODEL + ":latest");
    for (OllamaApi.Model model : models) {
      assertThat(model.modifiedAt()).as(model.name()).isNotNull();
      OllamaApi.ShowModelResponse show = api.showModel(new OllamaApi.ShowModelRequest(model.model()));
      assertThat(show.capabilities()).as(model.name()).isNotEmpty();
      assertThat(show.modelInfo()).as(model.name()).containsKey("general.architecture");
    }
  }

  @Test
  void chatsWithoutStreaming() {
    ChatResponse response = chatModel().call(new Prompt("Hello there", options().build()));

    assertThat(response.getResult().getOutput().getText()).isEqualTo(DEMO_ANSWER);
    assertThat(response.getResult().getMetadata().getFinishReason()).isEqualTo("stop");
    assertThat(response.getMetadata().getUsage().getCompletionTokens()).isPositive();
  }

  @Test
  void chatsStreamingWithInstantTimestampsAndNanosecondDurations() {
    List<OllamaApi.ChatResponse> chunks = api.streamingChat(OllamaApi.ChatRequest.builder(CHAT_MODEL).stream(true)
        .messages(List.of(OllamaApi.Message.builder(OllamaApi.Message.Role.USER).content("Hello there").build()))
        .build()).collectList().block(Duration.ofSeconds(20));

    assertThat(chunks).hasSizeGreaterThan(5).allSatisfy(chunk -> assertThat(chunk.createdAt()).isNotNull());
    assertThat(chunks.stream().map(c -> c.message().content()).filter(Objects::nonNull).reduce("", String::concat))
        .isEqualTo(DEMO_ANSWER);
    OllamaApi.ChatResponse last = chunks.get(chunks.size() - 1);
    assertThat(last.done()).isTrue();
    assertThat(last.getTotalDuration()).isPositive();

    String viaModel = chatModel().stream(new Prompt("Hello there", options().build()))
        .map(r -> r.getResult() == null || r.getResult().getOutput().getText() == null ? ""
            : r.getResult().getOutput().getText())
        .collectList().map(parts -> String.join("", parts)).block(Duration.ofSeconds(20));
    assertThat(viaModel).isEqualTo(DEMO_ANSWER);
  }

  @Test
  void embeds() {
    OllamaEmbeddingModel model = OllamaEmbeddingModel.builder().ollamaApi(api)
        .defaultOptions(OllamaEmbeddingOptions.builder().model(EMBED_MODEL).build()).build();

    EmbeddingResponse response = model.embedForResponse(List.of("one", "two"));

    assertThat(response.getResults()).hasSize(2);
    assertThat(response.getResults().get(0).getOutput()).isNotEmpty();
  }

  @Test
  void runsAToolRoundTrip() {
    proxy.script().toolCall("get_weather", "{\"city\":\"Paris\"}");
    List<String> cities = new ArrayList<>();
    Function<WeatherQuery, String> weather = query -> {
      cities.add(query.city());
      proxy.script().clearToolCalls().tokens(List.of("It", " is", " sunny", "."));
      return "sunny, 21 C";
    };

    ChatResponse response = chatModel().call(new Prompt("Weather in Paris?", options()
        .toolCallbacks(FunctionToolCallback.builder("get_weather", weather).description("Weather for a city")
            .inputType(WeatherQuery.class).build())
        .build()));

    assertThat(cities).containsExactly("Paris");
    assertThat(response.getResult().getOutput().getText()).isEqualTo("It is sunny.");
    List<RecordedRequest> turns = proxy.chatCompletions();
    assertThat(turns).hasSize(2);
    assertThat(turns.get(1).body()).contains("sunny, 21 C").contains("\"tool_calls\"");
  }

  @Test
  void returnsThinkingInTheMetadata() {
    proxy.script().reasoning(List.of("The", " user", " greets", "."));

    ChatResponse response = chatModel().call(new Prompt("Hello there", options().enableThinking().build()));

    assertThat(response.getResult().getOutput().getText()).isEqualTo(DEMO_ANSWER);
    assertThat((String) response.getResult().getMetadata().get("thinking")).isEqualTo("The user greets.");
  }

  @Test
  void cancellingAStreamClosesTheBackendRequest() {
    slowEndlessAnswer();

    Flux<OllamaApi.ChatResponse> stream = api.streamingChat(OllamaApi.ChatRequest.builder(CHAT_MODEL).stream(true)
        .messages(List.of(OllamaApi.Message.builder(OllamaApi.Message.Role.USER).content("Hello there").build()))
        .build());
    List<OllamaApi.ChatResponse> firstThree = stream.take(3).collectList().block(Duration.ofSeconds(20));

    assertThat(firstThree).hasSize(3);
    RecordedRequest upstream = proxy.awaitBackendRequest("/v1/chat/completions");
    proxy.awaitUpstreamClosed(upstream);
    assertThat(upstream.tokensEmitted()).isLessThan(100);
  }

  private static OllamaChatOptions.Builder options() {
    return OllamaChatOptions.builder().model(CHAT_MODEL);
  }

  private OllamaChatModel chatModel() {
    return OllamaChatModel.builder().ollamaApi(api).defaultOptions(options().build()).build();
  }

  /** The tool's input, as Spring AI derives its JSON schema. */
  record WeatherQuery(String city) {
    @SuppressWarnings("unused")
    Map<String, String> asMap() {
      return Map.of("city", city);
    }
  }
}
