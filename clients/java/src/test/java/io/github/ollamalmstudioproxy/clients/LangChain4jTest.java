package io.github.ollamalmstudioproxy.clients;

import static io.github.ollamalmstudioproxy.clients.support.ProxyWithSimulator.CHAT_MODEL;
import static io.github.ollamalmstudioproxy.clients.support.ProxyWithSimulator.EMBED_MODEL;
import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.StreamingResponseHandler;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.ollama.OllamaChatModel;
import dev.langchain4j.model.ollama.OllamaEmbeddingModel;
import dev.langchain4j.model.ollama.OllamaLanguageModel;
import dev.langchain4j.model.ollama.OllamaModel;
import dev.langchain4j.model.ollama.OllamaModelCard;
import dev.langchain4j.model.ollama.OllamaModels;
import dev.langchain4j.model.ollama.OllamaStreamingChatModel;
import dev.langchain4j.model.ollama.OllamaStreamingLanguageModel;
import dev.langchain4j.model.output.Response;
import io.github.ollamalmstudioproxy.clients.support.ClientTestBase;
import io.github.ollamalmstudioproxy.simulator.RecordedRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** LangChain4j 1.18.1's langchain4j-ollama against the proxy. */
class LangChain4jTest extends ClientTestBase {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  @Test
  void listsShowsAndReportsRunningModels() {
    OllamaModels models = OllamaModels.builder().baseUrl(proxy.baseUrl()).timeout(TIMEOUT).build();

    List<OllamaModel> available = models.availableModels().content();
    assertThat(available).extracting(OllamaModel::getName).contains(CHAT_MODEL + ":latest");
    for (OllamaModel model : available) {
      assertThat(model.getModifiedAt()).as(model.getName()).isNotNull();
      assertThat(model.getDetails().getFamily()).as(model.getName()).isNotBlank();
      OllamaModelCard card = models.modelCard(model.getName()).content();
      assertThat(card.getCapabilities()).as(model.getName()).isNotEmpty();
      assertThat(card.getModelInfo()).as(model.getName()).containsKey("general.architecture");
    }
    assertThat(models.runningModels().content()).isNotEmpty();
  }

  @Test
  void chatsWithoutStreaming() {
    OllamaChatModel model = chatModel().build();

    ChatResponse response = model.chat(ChatRequest.builder().messages(UserMessage.from("Hello there")).build());

    assertThat(response.aiMessage().text()).isEqualTo(DEMO_ANSWER);
    assertThat(response.finishReason()).hasToString("STOP");
    assertThat(response.tokenUsage().outputTokenCount()).isPositive();
  }

  @Test
  void chatsStreamingTokenByToken() throws Exception {
    Recorder recorder = new Recorder();

    streamingModel().build().chat("Hello there", recorder);

    ChatResponse response = recorder.done.get(20, TimeUnit.SECONDS);
    assertThat(recorder.pieces.size()).isGreaterThan(5);
    assertThat(String.join("", recorder.pieces)).isEqualTo(DEMO_ANSWER);
    assertThat(response.aiMessage().text()).isEqualTo(DEMO_ANSWER);
  }

  @Test
  void generatesWithAndWithoutStreaming() throws Exception {
    OllamaLanguageModel language = OllamaLanguageModel.builder().baseUrl(proxy.baseUrl()).modelName(CHAT_MODEL)
        .timeout(TIMEOUT).build();
    assertThat(language.generate("Say hello").content()).isEqualTo(DEMO_ANSWER);

    OllamaStreamingLanguageModel streaming = OllamaStreamingLanguageModel.builder().baseUrl(proxy.baseUrl())
        .modelName(CHAT_MODEL).timeout(TIMEOUT).build();
    List<String> pieces = new CopyOnWriteArrayList<>();
    CompletableFuture<Response<String>> done = new CompletableFuture<>();
    streaming.generate("Say hello", new StreamingResponseHandler<String>() {
      @Override
      public void onNext(String token) {
        pieces.add(token);
      }

      @Override
      public void onComplete(Response<String> response) {
        done.complete(response);
      }

      @Override
      public void onError(Throwable error) {
        done.completeExceptionally(error);
      }
    });
    assertThat(done.get(20, TimeUnit.SECONDS).content()).isEqualTo(DEMO_ANSWER);
    assertThat(String.join("", pieces)).isEqualTo(DEMO_ANSWER);
  }

  @Test
  void embedsSeveralSegments() {
    OllamaEmbeddingModel model = OllamaEmbeddingModel.builder().baseUrl(proxy.baseUrl()).modelName(EMBED_MODEL)
        .timeout(TIMEOUT).build();

    List<Embedding> vectors = model.embedAll(List.of(TextSegment.from("one"), TextSegment.from("two"))).content();

    assertThat(vectors).hasSize(2);
    assertThat(vectors.get(0).dimension()).isPositive().isEqualTo(vectors.get(1).dimension());
    assertThat(model.dimension()).isEqualTo(vectors.get(0).dimension());
  }

  @Test
  void runsAToolRoundTrip() {
    proxy.script().toolCall("get_weather", "{\"city\":\"Paris\"}");
    OllamaChatModel model = chatModel().build();
    List<ChatMessage> history = new ArrayList<>(List.of(UserMessage.from("Weather in Paris?")));

    AiMessage call = model.chat(ChatRequest.builder().messages(history).toolSpecifications(weatherTool()).build())
        .aiMessage();
    assertThat(call.toolExecutionRequests()).hasSize(1);
    ToolExecutionRequest request = call.toolExecutionRequests().get(0);
    assertThat(request.name()).isEqualTo("get_weather");
    assertThat(request.arguments()).isEqualToIgnoringWhitespace("{\"city\":\"Paris\"}");

    proxy.script().clearToolCalls().tokens(List.of("It", " is", " sunny", "."));
    history.add(call);
    history.add(ToolExecutionResultMessage.from(request, "sunny, 21 C"));
    AiMessage answer = model.chat(ChatRequest.builder().messages(history).toolSpecifications(weatherTool()).build())
        .aiMessage();

    assertThat(answer.text()).isEqualTo("It is sunny.");
    RecordedRequest second = proxy.chatCompletions().get(1);
    assertThat(second.body()).contains("sunny, 21 C").contains("\"tool_calls\"");
  }

  @Test
  void streamsAToolCallWithItsArgumentsOnce() throws Exception {
    proxy.script().toolCall("get_weather", "{\"city\":\"Paris\",\"unit\":\"celsius\"}");
    Recorder recorder = new Recorder();

    streamingModel().build().chat(ChatRequest.builder().messages(UserMessage.from("Weather in Paris?"))
        .toolSpecifications(weatherTool()).build(), recorder);

    ChatResponse response = recorder.done.get(20, TimeUnit.SECONDS);
    assertThat(recorder.toolCalls).hasSize(1);
    ToolExecutionRequest request = response.aiMessage().toolExecutionRequests().get(0);
    assertThat(request.name()).isEqualTo("get_weather");
    // LangChain4j appends the arguments of every chunk that carries the call: a call repeated in the final chunk
    // would come out as {...}{...}.
    assertThat(request.arguments()).isEqualToIgnoringWhitespace("{\"city\":\"Paris\",\"unit\":\"celsius\"}");
  }

  @Test
  void returnsThinkingSeparately() throws Exception {
    proxy.script().reasoning(List.of("The", " user", " greets", "."));

    ChatResponse whole = chatModel().think(true).returnThinking(true).build()
        .chat(ChatRequest.builder().messages(UserMessage.from("Hello there")).build());
    assertThat(whole.aiMessage().thinking()).isEqualTo("The user greets.");
    assertThat(whole.aiMessage().text()).isEqualTo(DEMO_ANSWER);

    Recorder recorder = new Recorder();
    streamingModel().think(true).returnThinking(true).build().chat("Hello there", recorder);
    ChatResponse streamed = recorder.done.get(20, TimeUnit.SECONDS);
    assertThat(String.join("", recorder.thinking)).isEqualTo("The user greets.");
    assertThat(streamed.aiMessage().thinking()).isEqualTo("The user greets.");
    assertThat(streamed.aiMessage().text()).isEqualTo(DEMO_ANSWER);
  }

  @Test
  void cancellingAStreamClosesTheBackendRequest() {
    slowEndlessAnswer();
    AtomicInteger received = new AtomicInteger();
    Recorder recorder = new Recorder() {
      @Override
      public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
        if (received.incrementAndGet() == 3) {
          context.streamingHandle().cancel();
        }
      }
    };

    streamingModel().build().chat("Hello there", recorder);

    RecordedRequest upstream = proxy.awaitBackendRequest("/v1/chat/completions");
    proxy.awaitUpstreamClosed(upstream);
    assertThat(upstream.tokensEmitted()).isLessThan(100);
  }

  private static OllamaChatModel.OllamaChatModelBuilder chatModel() {
    return OllamaChatModel.builder().baseUrl(proxy.baseUrl()).modelName(CHAT_MODEL).timeout(TIMEOUT).maxRetries(0);
  }

  private static OllamaStreamingChatModel.OllamaStreamingChatModelBuilder streamingModel() {
    return OllamaStreamingChatModel.builder().baseUrl(proxy.baseUrl()).modelName(CHAT_MODEL).timeout(TIMEOUT);
  }

  private static ToolSpecification weatherTool() {
    return ToolSpecification.builder().name("get_weather").description("Weather for a city")
        .parameters(JsonObjectSchema.builder().addStringProperty("city").addStringProperty("unit").required("city")
            .build())
        .build();
  }

  /** Collects what a streaming chat delivers. */
  private static class Recorder implements StreamingChatResponseHandler {
    final List<String> pieces = new CopyOnWriteArrayList<>();
    final List<String> thinking = new CopyOnWriteArrayList<>();
    final List<CompleteToolCall> toolCalls = new CopyOnWriteArrayList<>();
    final CompletableFuture<ChatResponse> done = new CompletableFuture<>();

    @Override
    public void onPartialResponse(String partial) {
      pieces.add(partial);
    }

    @Override
    public void onPartialThinking(PartialThinking partial) {
      thinking.add(partial.text());
    }

    @Override
    public void onCompleteToolCall(CompleteToolCall call) {
      toolCalls.add(call);
    }

    @Override
    public void onCompleteResponse(ChatResponse response) {
      done.complete(response);
    }

    @Override
    public void onError(Throwable error) {
      done.completeExceptionally(error);
    }
  }
}
