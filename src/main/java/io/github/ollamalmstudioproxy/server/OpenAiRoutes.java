package io.github.ollamalmstudioproxy.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.ollamalmstudioproxy.backend.Upload;
import io.github.ollamalmstudioproxy.catalog.CatalogSnapshot;
import io.github.ollamalmstudioproxy.catalog.OpenAiModelsView;
import io.github.ollamalmstudioproxy.catalog.RequiredCapabilities;
import io.github.ollamalmstudioproxy.catalog.ResolvedModel;
import io.github.ollamalmstudioproxy.ollama.Json;
import io.github.ollamalmstudioproxy.ollama.OllamaError;
import io.github.ollamalmstudioproxy.server.PassthroughHandler.Answer;
import io.github.ollamalmstudioproxy.server.PassthroughHandler.NativeCheck;
import io.github.ollamalmstudioproxy.server.RequestScope.ErrorShape;
import io.github.ollamalmstudioproxy.server.Routes.Trait;
import io.github.ollamalmstudioproxy.server.TranslatedRelay.Translation;
import io.github.ollamalmstudioproxy.translate.anthropic.AnthropicStream;
import io.github.ollamalmstudioproxy.translate.anthropic.AnthropicToOpenAi;
import io.github.ollamalmstudioproxy.translate.anthropic.MessagesRequest;
import io.github.ollamalmstudioproxy.translate.openai.ChatBodyRepair;
import io.github.ollamalmstudioproxy.translate.openai.ChatCompletionNeeds;
import io.github.ollamalmstudioproxy.translate.openai.ModelField;
import io.github.ollamalmstudioproxy.translate.responses.ResponsesRequest;
import io.github.ollamalmstudioproxy.translate.responses.ResponsesStream;
import io.github.ollamalmstudioproxy.translate.responses.ResponsesToOpenAi;
import io.github.ollamalmstudioproxy.translate.PrefixKey;
import io.github.ollamalmstudioproxy.upstream.Backend;
import io.github.ollamalmstudioproxy.upstream.Fleet;
import io.github.ollamalmstudioproxy.upstream.Route;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ollama's OpenAI (and Anthropic) compatibility layer on {@code /v1}, as Ollama's own {@code /v1} routes behave: the
 * model names are Ollama's, the ones {@code /api/tags} lists.
 *
 * <ul>
 *   <li>{@code GET /v1/models} and {@code /v1/models/{name}} list and answer the {@code /api/tags} names.
 *   <li>A JSON request with a top-level {@code model} has that one field resolved as {@code /api/chat} resolves it
 *       and replaced by the backend's id, in place: every other byte goes as the client sent it. An unknown name is
 *       Ollama's 404 before anything reaches the backend (LM Studio would otherwise serve whatever is loaded).
 *   <li>Chat completions reach the client with reasoning in Ollama's {@code reasoning} field too.
 *   <li>{@code /v1/messages} and {@code /v1/responses} go to the backend when it serves them; one that lacks them
 *       (LM Studio before 0.4.1 / 0.3.29 answers HTTP 200 with an error body) gets them translated onto chat
 *       completions, found out once per backend.
 *   <li>Anything else, a body that is not JSON or one without {@code model}, passes as it is.
 * </ul>
 */
final class OpenAiRoutes implements RouteHandler {
  private static final Logger log = LoggerFactory.getLogger(OpenAiRoutes.class);
  static final String PREFIX = "/v1/";
  static final String CHAT_COMPLETIONS = "/v1/chat/completions";
  static final String MESSAGES = "/v1/messages";
  static final String RESPONSES = "/v1/responses";
  private static final String MODELS = "/v1/models";

  private final Fleet fleet;
  private final JsonBodyReader bodies;
  private final PassthroughHandler passthrough;
  private final TranslatedRelay relay;
  private final AliasBodies aliases;
  private final Clock clock = Clock.systemUTC();

  OpenAiRoutes(Fleet fleet, JsonBodyReader bodies, PassthroughHandler passthrough, TranslatedRelay relay,
      AliasBodies aliases) {
    this.fleet = fleet;
    this.bodies = bodies;
    this.passthrough = passthrough;
    this.relay = relay;
    this.aliases = aliases;
  }

  /** The model routes; the {@code /v1/} prefix itself is registered by the server with this as its handler. */
  void register(Routes routes) {
    routes.get(MODELS, this::models, Trait.OPENAI_ERRORS)
        .prefix(MODELS + "/", Set.of(HttpMethod.GET, HttpMethod.HEAD), this::model, Trait.OPENAI_ERRORS);
  }

  private void models(RequestScope scope) {
    fleet.catalog()
        .onSuccess(snapshot -> Replies.json(scope, OpenAiModelsView.list(snapshot)))
        .onFailure(e -> Replies.fail(scope, e));
  }

  /** {@code GET /v1/models/{name}}: names carry slashes ({@code qwen/qwen3-4b:latest}), so the rest of the path. */
  private void model(RequestScope scope) {
    String name = URLDecoder.decode(scope.request().path().substring(MODELS.length() + 1), StandardCharsets.UTF_8);
    scope.model(name);
    fleet.catalog()
        .onSuccess(snapshot -> {
          try {
            Replies.json(scope, OpenAiModelsView.one(snapshot, name));
          } catch (OllamaError e) {
            Replies.fail(scope, e);
          }
        })
        .onFailure(e -> Replies.fail(scope, e));
  }

  @Override
  public void handle(RequestScope scope) {
    HttpServerRequest request = scope.request();
    if (request.path().equals(MESSAGES)) {
      scope.errorShape(ErrorShape.ANTHROPIC);
    }
    if (!PathGuard.staysUnder(request.path(), PREFIX) || !carriesJson(request)) {
      passthrough.handle(scope);
      return;
    }
    bodies.readBytes(scope).onSuccess(body -> withBody(scope, body)).onFailure(e -> Replies.fail(scope, e));
  }

  /** A JSON body ({@code curl -d} sends form encoding for JSON too, so that counts as well), or none declared. */
  private static boolean carriesJson(HttpServerRequest request) {
    HttpMethod method = request.method();
    if (method != HttpMethod.POST && method != HttpMethod.PUT && method != HttpMethod.PATCH
        || !BodyGate.hasBody(request)) {
      return false;
    }
    String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
    if (type == null) {
      return true;
    }
    String lower = type.toLowerCase(Locale.ROOT);
    return lower.contains("json") || lower.startsWith("application/x-www-form-urlencoded");
  }

  private void withBody(RequestScope scope, Buffer body) {
    Optional<ModelField.Found> found = find(scope, body);
    if (found == null) {
      return;
    }
    String path = scope.request().path();
    if (found.isEmpty()) {
      passthrough.forward(scope, fleet.primary(), Upload.of(body), answerFor(path, null), null);
      return;
    }
    String name = found.get().model();
    scope.model(name);
    // Anthropic's messages have the chat's shape (its top-level system aside): the first user message keys both.
    long affinity = path.equals(CHAT_COMPLETIONS) || path.equals(MESSAGES) ? affinity(body) : 0;
    fleet.route(scope, name, affinity).onSuccess(route -> {
      if (path.equals(CHAT_COMPLETIONS) && !capable(scope, route.model(), body)) {
        return;
      }
      send(scope, route, name, body, found.get(), path);
    }).onFailure(e -> Replies.fail(scope, e));
  }

  /** The chat's conversation-prefix key, which keeps one conversation on one backend (its KV cache). */
  private static long affinity(Buffer body) {
    JsonBodyReader.ByteArray bytes = JsonBodyReader.bytesOf(body);
    return PrefixKey.ofOpenAiChat(bytes.bytes(), bytes.offset(), bytes.length());
  }

  /** Sends the body on to the backend the route chose, with its model id; moves on to the next if it is down. */
  private void send(RequestScope scope, Route route, String name, Buffer body, ModelField.Found found, String path) {
    CatalogSnapshot snapshot = route.snapshot();
    ResolvedModel model = route.model();
    Backend backend = route.backend();
    boolean optional = path.equals(MESSAGES) || path.equals(RESPONSES);
    if (optional && backend.nativeRoutes().lacks(path)) {
      translate(scope, route, body, path);
      return;
    }
    NativeCheck check = optional ? nativeCheck(backend, path, () -> translate(scope, route, body, path)) : null;
    Upload sent;
    try {
      // An alias's defaults are laid into chat and completion bodies (parsed and written again only then).
      Buffer aliased = aliases.openAi(path, snapshot.alias(name).isPresent() ? bodies.object(body) : null,
          snapshot.alias(name).orElse(null));
      Buffer out = aliased == null ? body : aliased;
      ModelField.Found field = aliased == null ? found : modelField(aliased);
      sent = path.equals(CHAT_COMPLETIONS) && repairNeeded(out) ? repaired(scope, out, model.backendId())
          : withModel(out, field, model.backendId());
    } catch (OllamaError e) {
      Replies.fail(scope, e);
      return;
    }
    passthrough.forward(scope, backend, sent, answerFor(path, check), failure -> {
      Route next = route.failover(failure);
      if (next == null) {
        return false;
      }
      send(scope, next, name, body, found, path);
      return true;
    });
  }

  /**
   * Refuses (and answers) tools or images the model lacks, as Ollama's {@code /api/chat} handler behind its
   * {@code /v1} route does; false when refused. Only a model the catalog says lacks one has its body parsed (it was
   * read already, and is bounded).
   */
  private boolean capable(RequestScope scope, ResolvedModel model, Buffer body) {
    if (!model.model().lacksTools() && !model.model().lacksVision()) {
      return true;
    }
    try {
      ChatCompletionNeeds needs = ChatCompletionNeeds.of(bodies.object(body));
      RequiredCapabilities.check(model, needs.tools(), needs.images());
      return true;
    } catch (OllamaError e) {
      Replies.fail(scope, e);
      return false;
    }
  }

  /** The body's top-level model, if any; null when the body was refused (and answered). */
  private static Optional<ModelField.Found> find(RequestScope scope, Buffer body) {
    try {
      JsonBodyReader.ByteArray bytes = JsonBodyReader.bytesOf(body);
      return ModelField.find(bytes.bytes(), bytes.offset(), bytes.length());
    } catch (OllamaError e) {
      if (scope.request().getHeader(HttpHeaders.CONTENT_TYPE) == null) {
        // Declared as nothing in particular and not JSON after all: not ours to judge.
        return Optional.empty();
      }
      Replies.fail(scope, e);
      return null;
    }
  }

  /** The model field of a body this proxy wrote itself (so it is JSON and has one). */
  private static ModelField.Found modelField(Buffer body) {
    JsonBodyReader.ByteArray bytes = JsonBodyReader.bytesOf(body);
    return ModelField.find(bytes.bytes(), bytes.offset(), bytes.length())
        .orElseThrow(() -> new IllegalStateException("a rewritten body lost its model field"));
  }

  private static Answer answerFor(String path, NativeCheck check) {
    return new Answer(path.equals(CHAT_COMPLETIONS), check);
  }

  /** {@code body} with the backend's id in place of the client's name; the rest is sliced, never copied. */
  private static Upload withModel(Buffer body, ModelField.Found found, String backendId) {
    return Upload.of(body.slice(0, found.start()), Buffer.buffer(ModelField.quoted(backendId)),
        body.slice(found.end(), body.length()));
  }

  private static boolean repairNeeded(Buffer body) {
    JsonBodyReader.ByteArray bytes = JsonBodyReader.bytesOf(body);
    return ChatBodyRepair.needed(bytes.bytes(), bytes.offset(), bytes.length());
  }

  /** A chat body in a shape LM Studio refuses and Ollama accepts, written again in one both accept. */
  private Upload repaired(RequestScope scope, Buffer body, String backendId) {
    ObjectNode tree = (ObjectNode) bodies.object(body);
    tree.put("model", backendId);
    log.debug("{} chat body reshaped for the backend (consecutive user messages, images in tool results or tool"
        + " schemas without properties)", scope.id());
    try {
      return Upload.of(Buffer.buffer(Json.MAPPER.writeValueAsBytes(ChatBodyRepair.repair(tree))));
    } catch (JsonProcessingException e) {
      throw new OllamaError(500, "could not write the chat body again: " + e.getOriginalMessage());
    }
  }

  private static NativeCheck nativeCheck(Backend backend, String path, Runnable fallback) {
    return new NativeCheck() {
      @Override
      public boolean known() {
        return backend.nativeRoutes().serves(path);
      }

      @Override
      public void served() {
        backend.nativeRoutes().served(path);
      }

      @Override
      public void lacking(RequestScope scope) {
        backend.nativeRoutes().lacking(path);
        fallback.run();
      }
    };
  }

  /** A route the backend lacks, translated onto its chat completions. */
  private void translate(RequestScope scope, Route route, Buffer body, String path) {
    JsonNode tree;
    try {
      tree = bodies.object(body);
    } catch (OllamaError e) {
      Replies.fail(scope, e);
      return;
    }
    try {
      if (path.equals(MESSAGES)) {
        MessagesRequest request = MessagesRequest.parse(tree);
        logIgnored(scope, request.ignored());
        relay.run(scope, route, on -> AnthropicToOpenAi.chat(request, on.model().backendId(), on.dialect()),
            request.stream(), times -> {
          AnthropicStream stream = request.stream() ? AnthropicStream.streaming(request, times)
              : AnthropicStream.aggregating(request, times);
          return new Translation(stream, AnswerFormat.anthropic(stream));
        });
      } else {
        ResponsesRequest request = ResponsesRequest.parse(tree);
        logIgnored(scope, request.ignored());
        relay.run(scope, route, on -> ResponsesToOpenAi.chat(request, on.model().backendId(), on.dialect()),
            request.stream(), times -> {
          ResponsesStream stream = request.stream() ? ResponsesStream.streaming(request, times, clock)
              : ResponsesStream.aggregating(request, times, clock);
          return new Translation(stream, AnswerFormat.responses(stream));
        });
      }
    } catch (OllamaError e) {
      Replies.fail(scope, e);
    }
  }

  private static void logIgnored(RequestScope scope, List<String> ignored) {
    if (!ignored.isEmpty() && log.isDebugEnabled()) {
      log.debug("{} ignored (the backend cannot honour them): {}", scope.id(),
          LogText.escape(String.join(", ", ignored)));
    }
  }
}
