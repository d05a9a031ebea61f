package io.github.ollamalmstudioproxy.clients;

import static io.github.ollamalmstudioproxy.clients.support.ProxyWithSimulator.CHAT_MODEL;
import static io.github.ollamalmstudioproxy.clients.support.ProxyWithSimulator.EMBED_MODEL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.ollama4j.Ollama;
import io.github.ollama4j.exceptions.OllamaException;
import io.github.ollama4j.models.chat.OllamaChatMessageRole;
import io.github.ollama4j.models.chat.OllamaChatRequest;
import io.github.ollama4j.models.chat.OllamaChatResult;
import io.github.ollama4j.models.chat.OllamaChatToolCalls;
import io.github.ollama4j.models.embed.OllamaEmbedRequestBuilder;
import io.github.ollama4j.models.embed.OllamaEmbedResult;
import io.github.ollama4j.models.generate.OllamaGenerateRequest;
import io.github.ollama4j.models.generate.OllamaGenerateStreamObserver;
import io.github.ollama4j.models.request.ThinkMode;
import io.github.ollama4j.models.response.Model;
import io.github.ollama4j.models.response.ModelDetail;
import io.github.ollama4j.models.response.OllamaResult;
import io.github.ollama4j.tools.Tools;
import io.github.ollamalmstudioproxy.clients.support.ClientTestBase;
import io.github.ollamalmstudioproxy.simulator.RecordedRequest;
import io.github.ollamalmstudioproxy.simulator.SimulatorModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** ollama4j 1.1.6 (the Java library most Ollama tutorials use) against the proxy. */
class Ollama4jTest extends ClientTestBase {
  private Ollama ollama;

  @BeforeEach
  void client() {
    ollama = new Ollama(proxy.baseUrl());
    ollama.setRequestTimeoutSeconds(20);
  }

  @Test
  void pingsListsAndShowsEveryModel() throws Exception {
    assertThat(ollama.ping()).isTrue();
    assertThat(ollama.getVersion()).matches("\\d+\\.\\d+\\.\\d+");

    List<Model> models = ollama.listModels();
    assertThat(models).extracting(Model::getModel).contains(CHAT_MODEL + ":latest", EMBED_MODEL + ":latest");
    for (Model model : models) {
      assertThat(model.getName()).isEqualTo(model.getModel());
      assertThat(model.getModifiedAt()).isNotNull();
      assertThat(model.getDigest()).hasSize(64);
      ModelDetail detail = ollama.getModelDetails(model.getModel());
      assertThat(detail.getCapabilities()).as(model.getModel()).isNotEmpty();
      assertThat(detail.getDetails().getFamily()).as(model.getModel()).isNotBlank();
    }
    assertThat(ollama.ps().getModels()).isNotEmpty();
  }

  @Test
  void chatsWithoutStreaming() throws Exception {
    OllamaChatResult result = ollama.chat(chat().build(), null);

    assertThat(result.getResponseModel().getMessage().getResponse()).isEqualTo(DEMO_ANSWER);
    assertThat(result.getResponseModel().isDone()).isTrue();
    assertThat(result.getResponseModel().getDoneReason()).isEqualTo("stop");
    assertThat(result.getResponseModel().getEvalCount()).isPositive();
  }

  @Test
  void chatsStreamingTokenByToken() throws Exception {
    List<String> pieces = new CopyOnWriteArrayList<>();

    OllamaChatResult result = ollama.chat(chat().build(),
        part -> pieces.add(part.getMessage().getResponse()));

    assertThat(pieces.size()).isGreaterThan(5);
    assertThat(String.join("", pieces)).isEqualTo(DEMO_ANSWER);
    assertThat(result.getResponseModel().getMessage().getResponse()).isEqualTo(DEMO_ANSWER);
  }

  @Test
  void generatesWithAndWithoutStreaming() throws Exception {
    OllamaResult whole = ollama.generate(OllamaGenerateRequest.builder().withModel(CHAT_MODEL)
        .withPrompt("Say hello").withThink(ThinkMode.DISABLED).build(), null);
    assertThat(whole.getResponse()).isEqualTo(DEMO_ANSWER);

    List<String> pieces = new CopyOnWriteArrayList<>();
    OllamaResult streamed = ollama.generate(OllamaGenerateRequest.builder().withModel(CHAT_MODEL)
        .withPrompt("Say hello").withThink(ThinkMode.DISABLED).withStreaming(true).build(),
        new OllamaGenerateStreamObserver(null, pieces::add));
    assertThat(String.join("", pieces)).isEqualTo(DEMO_ANSWER);
    assertThat(streamed.getResponse()).isEqualTo(DEMO_ANSWER);
  }

  @Test
  void embedsSeveralInputs() throws Exception {
    OllamaEmbedResult result = ollama.embed(OllamaEmbedRequestBuilder.getInstance(EMBED_MODEL, "one", "two").build());

    assertThat(result.getEmbeddings()).hasSize(2);
    assertThat(result.getEmbeddings().get(0)).isNotEmpty().hasSameSizeAs(result.getEmbeddings().get(1));
    double norm = Math.sqrt(result.getEmbeddings().get(0).stream().mapToDouble(v -> v * v).sum());
    assertThat(norm).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-3));
  }

  @Test
  void runsAToolAndAnswersWithItsResult() throws Exception {
    proxy.script().toolCall("get_weather", "{\"city\":\"Paris\"}");
    List<Map<String, Object>> calls = new ArrayList<>();
    Tools.Tool weather = Tools.Tool.builder()
        .toolSpec(Tools.ToolSpec.builder().name("get_weather").description("Weather for a city")
            .parameters(Tools.Parameters.of(Map.of("city",
                Tools.Property.builder().type("string").description("city name").required(true).build())))
            .build())
        .toolFunction(arguments -> {
          calls.add(arguments);
          // The model has its tool result: the next turn answers in words.
          proxy.script().clearToolCalls().tokens(List.of("It", " is", " sunny", "."));
          return "sunny, 21 C";
        })
        .build();

    OllamaChatResult result = ollama.chat(chat().withTools(new ArrayList<>(List.of(weather))).withUseTools(true).build(), null);

    assertThat(calls).containsExactly(Map.of("city", "Paris"));
    assertThat(result.getResponseModel().getMessage().getResponse()).isEqualTo("It is sunny.");
    List<RecordedRequest> turns = proxy.chatCompletions();
    assertThat(turns).hasSize(2);
    assertThat(turns.get(1).body()).contains("\"tool\"").contains("sunny, 21 C").contains("get_weather");
  }

  @Test
  void streamsAToolCallAsOneWholeCall() throws Exception {
    proxy.script().toolCall("get_weather", "{\"city\":\"Paris\",\"unit\":\"celsius\"}");
    List<OllamaChatToolCalls> seen = new CopyOnWriteArrayList<>();

    ollama.setMaxChatToolCallRetries(0);
    OllamaChatResult result = ollama.chat(chat().build(), part -> {
      if (part.getMessage().getToolCalls() != null) {
        seen.addAll(part.getMessage().getToolCalls());
      }
    });

    assertThat(seen).hasSize(1);
    assertThat(seen.get(0).getFunction().getName()).isEqualTo("get_weather");
    assertThat(seen.get(0).getFunction().getArguments()).isEqualTo(Map.of("city", "Paris", "unit", "celsius"));
    assertThat(result.getResponseModel().getMessage().getToolCalls()).hasSize(1);
  }

  @Test
  void separatesThinkingFromTheAnswer() throws Exception {
    proxy.script().reasoning(List.of("The", " user", " greets", "."));

    OllamaChatResult whole = ollama.chat(chat().withThinking(ThinkMode.ENABLED).build(), null);
    assertThat(whole.getResponseModel().getMessage().getThinking()).isEqualTo("The user greets.");
    assertThat(whole.getResponseModel().getMessage().getResponse()).isEqualTo(DEMO_ANSWER);

    OllamaChatResult streamed = ollama.chat(chat().withThinking(ThinkMode.ENABLED).build(), part -> { });
    assertThat(streamed.getResponseModel().getMessage().getThinking()).isEqualTo("The user greets.");
    assertThat(streamed.getResponseModel().getMessage().getResponse()).isEqualTo(DEMO_ANSWER);
  }

  @Test
  void abandoningAStreamClosesTheBackendRequest() {
    slowEndlessAnswer();
    AtomicInteger received = new AtomicInteger();

    assertThatThrownBy(() -> ollama.chat(chat().build(), part -> {
      if (received.incrementAndGet() == 3) {
        throw new IllegalStateException("user pressed stop");
      }
    })).isInstanceOf(OllamaException.class).hasMessageContaining("user pressed stop");

    RecordedRequest upstream = proxy.awaitBackendRequest("/v1/chat/completions");
    proxy.awaitUpstreamClosed(upstream);
    assertThat(upstream.tokensEmitted()).isLessThan(100);
  }

  private static OllamaChatRequest chat() {
    return OllamaChatRequest.builder().withModel(CHAT_MODEL)
        .withMessage(OllamaChatMessageRole.USER, "Hello there");
  }

  /**
   * ollama4j's pullModel reads the stream line by line until {@code status:"success"} (it throws on an {@code error}
   * line); the proxy writes Ollama's sequence while the simulated LM Studio downloads (server/images.go PullModel).
   */
  @Test
  void pullsAModelThatIsThenListed() throws Exception {
    String model = "ibm/granite-4-micro";
    proxy.downloads().offer(model, null, SimulatorModel.llm(model, 2_000_000), 2_000_000, 4_000_000);

    ollama.pullModel(model);

    assertThat(ollama.listModels()).extracting(Model::getModel).contains(model + ":latest");
    assertThat(proxy.backendRequests()).filteredOn(r -> r.pathOnly().startsWith("/api/v1/models/download/status/"))
        .as("progress polled from the job").isNotEmpty();
  }

  @Test
  void pullOfADownloadThatFailsThrowsLmStudiosReason() {
    String model = "ibm/granite-4-h-tiny";
    proxy.downloads().offer(model, null, SimulatorModel.llm(model, 2_000_000), 2_000_000, 4_000_000)
        .failAt(model, 500_000, "ENOSPC: no space left on device");

    assertThatThrownBy(() -> ollama.pullModel(model)).isInstanceOf(OllamaException.class)
        .hasMessageContaining("ENOSPC: no space left on device");
  }
}
