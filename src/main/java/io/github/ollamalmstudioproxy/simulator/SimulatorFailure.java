package io.github.ollamalmstudioproxy.simulator;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A scripted or simulated error response: a status and a raw body, with the literal LM Studio wording of reference §5.
 *
 * <p>LM Studio has used three body shapes for errors, sometimes for the same condition in different versions, so each
 * factory picks the shape of the newest capture; tests that need another shape use {@link #of(int, String)}.
 *
 * @param padTo the body is followed by spaces up to this many bytes in all (see {@link #paddedTo}); 0 for none
 */
public record SimulatorFailure(int status, String body, String contentType, long padTo) {
  static final String NO_MODELS_LOADED =
      "No models loaded. Please load a model in the developer page or use the 'lms load' command.";

  public SimulatorFailure {
    requireNonNull(body, "body");
    requireNonNull(contentType, "contentType");
    if (padTo < 0) {
      throw new IllegalArgumentException("padTo must not be negative: " + padTo);
    }
  }

  public SimulatorFailure(int status, String body, String contentType) {
    this(status, body, contentType, 0);
  }

  /**
   * The same failure with its body padded by spaces to {@code totalBytes} in all (the declared length): an error page
   * far larger than any message, as a misbehaving server or an intermediary sends.
   */
  public SimulatorFailure paddedTo(long totalBytes) {
    return new SimulatorFailure(status, body, contentType, totalBytes);
  }

  /** A raw body; HTML when it starts with {@code <}, as LM Studio's transient 500 pages do, else JSON. */
  public static SimulatorFailure of(int status, String body) {
    String type = body.stripLeading().startsWith("<") ? "text/html; charset=utf-8" : "application/json; charset=utf-8";
    return new SimulatorFailure(status, body, type);
  }

  /** Shape (a): {@code {"error":"..."}}. */
  public static SimulatorFailure bare(int status, String message) {
    ObjectNode root = SimJson.object();
    root.put("error", message);
    return of(status, SimJson.write(root));
  }

  /** Shape (b): the OpenAI object with {@code type:"invalid_request_error"}; a null code is written as null. */
  public static SimulatorFailure openAi(int status, String message, String param, String code) {
    ObjectNode error = SimJson.object();
    error.put("message", message);
    error.put("type", "invalid_request_error");
    error.put("param", param);
    error.put("code", code);
    ObjectNode root = SimJson.object();
    root.set("error", error);
    return of(status, SimJson.write(root));
  }

  /** Shape (c): the native v1 object {@code {"error":{"type","code","message","param"}}}. */
  public static SimulatorFailure native1(int status, String type, String code, String message, String param) {
    ObjectNode error = SimJson.object();
    error.put("type", type);
    error.put("code", code);
    error.put("message", message);
    if (param != null) {
      error.put("param", param);
    }
    ObjectNode root = SimJson.object();
    root.set("error", error);
    return of(status, SimJson.write(root));
  }

  /**
   * Anthropic's shape, {@code {"type":"error","error":{"type":...,"message":...}}}, as {@code /v1/messages} answers
   * its own errors; {@code type} is e.g. {@code invalid_request_error}, {@code not_found_error} or {@code api_error}.
   */
  public static SimulatorFailure anthropic(int status, String type, String message) {
    ObjectNode error = SimJson.object();
    error.put("type", requireNonNull(type, "type"));
    error.put("message", requireNonNull(message, "message"));
    ObjectNode root = SimJson.object();
    root.put("type", "error");
    root.set("error", error);
    return of(status, SimJson.write(root));
  }

  /** 400 "No models loaded" in the 0.4.8 object shape (type, {@code param:"model"}, {@code code:null}). */
  public static SimulatorFailure noModelsLoaded() {
    return openAi(400, NO_MODELS_LOADED, "model", null);
  }

  /** 400 "Invalid model identifier" with {@code code:"model_not_found"} (JIT on, late 0.3.x and 0.4.x). */
  public static SimulatorFailure invalidModelIdentifier(String id, List<String> examples) {
    String message = "Invalid model identifier \"" + id + "\". Please specify a valid downloaded model (e.g., "
        + String.join(", ", examples.subList(0, Math.min(3, examples.size()))) + ").";
    return openAi(400, message, "model", "model_not_found");
  }

  /** 404 "Model not found" with the model list, as LM Studio up to 0.3.16 answered unknown ids. */
  public static SimulatorFailure modelNotFoundLegacy(String id, List<String> models) {
    String message = "Model \"" + id + "\" not found. Please specify a valid model.\n\nYour models:\n\n"
        + String.join("\n", models);
    return openAi(404, message, "model", "model_not_found");
  }

  /** 400 JIT load failure, e.g. reason {@code Engine protocol startup was aborted}. */
  public static SimulatorFailure loadFailed(String key, String reason) {
    return openAi(400, "Failed to load model \"" + key + "\". Error: " + reason, "model", null);
  }

  /** 400 context overflow in the 0.4.x wording, with n_keep 13055 and n_ctx 4096. */
  public static SimulatorFailure contextOverflow() {
    return contextOverflow(13_055, 4_096);
  }

  public static SimulatorFailure contextOverflow(int nKeep, int nCtx) {
    return openAi(400, "The number of tokens to keep from the initial prompt is greater than the context length "
        + "(n_keep: " + nKeep + ">= n_ctx: " + nCtx + "). Try to load the model with a larger context length, "
        + "or provide a shorter input.", null, null);
  }

  /** 400 context overflow in the wording of LM Studio up to 0.3.x (reference §5, verbatim, without a final period). */
  public static SimulatorFailure contextOverflowLegacy(int nKeep, int nCtx) {
    return openAi(400, "Trying to keep the first " + nKeep + " tokens when context the overflows. However, the model "
        + "is loaded with context length of only " + nCtx + " tokens, which is not enough. Try to load the model "
        + "with a larger context length, or provide a shorter input", null, null);
  }

  /** 400 context overflow in the llama.cpp wording that 0.4.x also passes through. */
  public static SimulatorFailure contextOverflowLlamaCpp(int nKeep, int nCtx) {
    return openAi(400, "Cannot truncate prompt with n_keep (" + nKeep + ") >= n_ctx (" + nCtx + ")", null, null);
  }

  /** 400 "Invalid 'messages' in payload" (tool message without a matching id, object arguments, ...). */
  public static SimulatorFailure invalidMessages() {
    return openAi(400, "Invalid 'messages' in payload. Please check the structure of your 'messages' and try again",
        "messages", null);
  }

  /** 400 transient engine failure; worth one retry. */
  public static SimulatorFailure engineProtocolFailure() {
    return openAi(400, "Engine protocol predict request failed: fetch failed", null, null);
  }

  /** 400 model crash with an exit code. */
  public static SimulatorFailure modelCrashed(int exitCode) {
    return openAi(400, "The model has crashed without additional information. (Exit code: " + exitCode + ")", null,
        null);
  }

  /** 500 with an HTML page, the other form transient failures take. */
  public static SimulatorFailure htmlServerError() {
    return of(500, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n"
        + "</head>\n<body>\n<pre>Internal Server Error</pre>\n</body>\n</html>\n");
  }

  /** 400 chat-template failure; {@code detail} is the template's own text. */
  public static SimulatorFailure templateError(String detail) {
    return openAi(400, "Error rendering prompt with jinja template: \"" + detail + "\"", null, null);
  }

  /** 400 bare-string body for {@code response_format.type:"json_object"}. */
  public static SimulatorFailure jsonObjectFormat() {
    return bare(400, "'response_format.type' must be 'json_schema' or 'text'");
  }

  /** 400 for {@code tool_choice} given as an object. */
  public static SimulatorFailure toolChoiceObject() {
    return openAi(400, "Invalid tool_choice type: 'object'. Supported string values: none, auto, required",
        "tool_choice", null);
  }

  /** 400 for images sent to a model that is not a VLM. */
  public static SimulatorFailure imagesNotSupported(String model) {
    return openAi(400, "The provided messages contain images, but " + model + " does not support image inputs.",
        "messages", null);
  }
}
