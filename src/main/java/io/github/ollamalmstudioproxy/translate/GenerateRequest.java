package io.github.ollamalmstudioproxy.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.ollamalmstudioproxy.ollama.OllamaError;
import java.util.ArrayList;
import java.util.List;

/**
 * A validated Ollama {@code POST /api/generate} body.
 *
 * @param model the model string exactly as the client sent it
 * @param stream true unless the client sent {@code "stream": false}
 * @param prompt never null; empty for a load or unload request
 * @param suffix the text after the gap to fill (fill-in-the-middle), null or non-empty; with {@code raw} it is ignored,
 *     as Ollama ignores it, once the model's insert support is checked
 * @param system null or non-empty
 * @param images {@code data:} URLs, already validated
 * @param raw true: the prompt goes to {@code /v1/completions} untouched
 * @param logprobs null unless the client asked for log probabilities
 * @param ignored features the backend cannot honour ({@code template}, {@code context}, options as
 *     {@code options.<name>}, ...), for a debug log
 */
public record GenerateRequest(
    String model,
    boolean stream,
    String prompt,
    String suffix,
    String system,
    List<String> images,
    boolean raw,
    ResponseFormat format,
    SamplingOptions options,
    Think think,
    KeepAlive keepAlive,
    LogprobsRequest logprobs,
    List<String> ignored) {

  /**
   * Validates the body as Ollama does; unknown fields are ignored.
   *
   * @throws OllamaError 404 {@code model '' not found} without a model (generate answers 404 where chat answers 400),
   *     400 for raw mode with template/system/context, or naming a bad field. Whether the model can fill in the
   *     middle is for the route to decide: it needs the catalog.
   */
  public static GenerateRequest parse(JsonNode json) {
    ObjectNode body = Fields.body(json);
    LogprobsRequest logprobs = LogprobsRequest.parse(body);
    String model = Fields.string(body, "model", "model");
    if (Fields.isEmpty(model)) {
      throw OllamaError.modelNotFound("");
    }
    boolean stream = Fields.bool(body, "stream", true);
    String prompt = Fields.string(body, "prompt", "prompt");
    String suffix = Fields.string(body, "suffix", "suffix");
    String system = Fields.string(body, "system", "system");
    String template = Fields.string(body, "template", "template");
    ArrayNode context = Fields.array(body, "context", "context");
    boolean raw = Fields.bool(body, "raw", false);
    if (raw && (!Fields.isEmpty(template) || !Fields.isEmpty(system) || (context != null && !context.isEmpty()))) {
      throw OllamaError.badRequest("raw mode does not support template, system, or context");
    }
    List<String> images = RequestChecks.images(Fields.array(body, "images", "images"), "images");
    if (raw && !images.isEmpty()) {
      throw OllamaError.badRequest("raw mode does not support images");
    }
    ResponseFormat format = ResponseFormat.parse(body.get("format"));
    SamplingOptions options = SamplingOptions.parse(Fields.object(body, "options", "options"));
    Think think = Think.parse(body.get("think"));
    KeepAlive keepAlive = KeepAlive.parse(body.get("keep_alive"));
    List<String> ignored = new ArrayList<>();
    // Templates are Go templates for Ollama's own renderer and context holds Ollama token ids: neither can be
    // expressed to an OpenAI backend, and rejecting them would break clients that always send them.
    if (!Fields.isEmpty(template)) {
      ignored.add("template");
    }
    if (context != null && !context.isEmpty()) {
      ignored.add("context");
    }
    if (raw && format != null) {
      ignored.add("format");
      format = null;
    }
    if (raw && think != null && think.enabled()) {
      ignored.add("think");
    }
    if (raw && !Fields.isEmpty(suffix)) {
      // server/routes.go (v0.33.0-rc2) lines 449-451 and 511-513: the insert capability is required, but only a
      // templated prompt uses the suffix.
      ignored.add("suffix");
    }
    // One prompt has no older turns to drop, and cutting inside it takes a tokenizer the proxy does not have: an
    // overflow is the backend's 400 either way.
    if (Fields.get(body, "truncate") != null) {
      ignored.add("truncate");
    }
    ignored.addAll(RequestChecks.ignored(body, options));
    return new GenerateRequest(
        model, stream, prompt == null ? "" : prompt, Fields.isEmpty(suffix) ? null : suffix,
        Fields.isEmpty(system) ? null : system, images, raw,
        format, options, think, keepAlive, logprobs, List.copyOf(ignored));
  }

  /** A fill-in-the-middle request: a suffix to fill up to, and a prompt that is not raw. */
  public boolean fillsInTheMiddle() {
    return suffix != null && !raw;
  }

  /** Empty prompt: Ollama only loads (or, with {@code keep_alive} 0, unloads) the model and answers at once. */
  public boolean isLoadRequest() {
    return prompt.isEmpty();
  }

  public boolean isUnloadRequest() {
    return isLoadRequest() && keepAlive != null && keepAlive.isUnload();
  }
}
