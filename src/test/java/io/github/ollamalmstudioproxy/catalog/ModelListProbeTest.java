package io.github.ollamalmstudioproxy.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ModelListProbeTest {
  private static final String UNEXPECTED = "{\"error\":\"Unexpected endpoint or method. (GET /api/v1/models)\"}";
  private static final String V0 = "{\"data\":[{\"id\":\"x\",\"type\":\"llm\",\"arch\":\"llama\",\"state\":\"loaded\"}]}";
  private static final String V1 = "{\"models\":[{\"key\":\"x\",\"type\":\"llm\"}]}";
  private static final String OPENAI = "{\"data\":[{\"id\":\"x\"}],\"object\":\"list\"}";

  private final Map<String, ModelListProbe.Reply> routes = new HashMap<>();
  private final List<String> requested = new ArrayList<>();
  private final ModelListProbe probe = new ModelListProbe(this::get, CatalogSource.probeOrder());

  @Test
  void lmStudio04AnswersTheRichestRoute() {
    routes.put("/api/v1/models", new ModelListProbe.Reply(200, V1));
    assertThat(probe.get().join().source()).isEqualTo(CatalogSource.LMSTUDIO_V1);
    assertThat(requested).containsExactly("/api/v1/models");
  }

  @Test
  void lmStudio03sHttp200ErrorMovesOnToV0() {
    routes.put("/api/v1/models", new ModelListProbe.Reply(200, UNEXPECTED));
    routes.put("/api/v0/models", new ModelListProbe.Reply(200, V0));
    CatalogListing listing = probe.get().join();
    assertThat(listing.source()).isEqualTo(CatalogSource.LMSTUDIO_V0);
    assertThat(listing.models()).extracting(BackendModel::key).containsExactly("x");
  }

  @Test
  void openAiServerFallsBackToV1ModelsAndIsRememberedNextTime() {
    routes.put("/v1/models", new ModelListProbe.Reply(200, OPENAI));
    assertThat(probe.get().join().source()).isEqualTo(CatalogSource.OPENAI);
    requested.clear();
    probe.get().join();
    assertThat(requested).containsExactly("/v1/models");
    assertThat(probe.detected()).contains(CatalogSource.OPENAI);
  }

  @Test
  void aRememberedRouteThatStopsAnsweringStartsTheProbeOver() {
    routes.put("/api/v1/models", new ModelListProbe.Reply(200, V1));
    probe.get().join();
    routes.put("/api/v1/models", new ModelListProbe.Reply(404, "not found"));
    routes.put("/v1/models", new ModelListProbe.Reply(200, OPENAI));
    assertThat(probe.get().join().source()).isEqualTo(CatalogSource.OPENAI);
  }

  @Test
  void transportFailureFailsAtOnceWithoutTryingOtherRoutes() {
    ModelListProbe down = new ModelListProbe(
        path -> {
          requested.add(path);
          return CompletableFuture.failedFuture(new IOException("connection refused"));
        }, CatalogSource.probeOrder());
    assertThat(down.get()).isCompletedExceptionally();
    assertThat(requested).containsExactly("/api/v1/models");
  }

  @Test
  void noRouteAnsweringIsAFailureNamingThePaths() {
    assertThat(probe.get()).failsWithin(Duration.ZERO).withThrowableThat()
        .withMessageContaining("/api/v1/models, /api/v0/models, /v1/models");
  }

  private CompletableFuture<ModelListProbe.Reply> get(String path) {
    requested.add(path);
    return CompletableFuture.completedFuture(routes.getOrDefault(path, new ModelListProbe.Reply(404, null)));
  }
}
