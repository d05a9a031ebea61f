package io.github.ollamalmstudioproxy.translate;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.ollamalmstudioproxy.translate.anthropic.MessagesRequest;
import io.github.ollamalmstudioproxy.translate.responses.ResponsesRequest;

/**
 * The affinity key of a request: a 64-bit hash of its conversation prefix, for routing by rendezvous hashing so
 * that every turn of a conversation reaches the backend whose KV cache already holds that prefix.
 *
 * <p>The prefix is every leading {@code system} (or {@code developer}) message and then each message up to and
 * including the first {@code user} one (usually just that one): its role, text, and images by fingerprint (length
 * and both ends). Tool definitions, sampling options and the model are left out. Turn 1 and turn 5 of one
 * conversation share the key; two conversations with the same system prompt but different first user messages
 * almost never do. The first {@code user} message is waited for, rather than the first non-system one, because
 * an app that opens every conversation with the same assistant greeting would otherwise send all of its
 * conversations to one backend.
 *
 * <p>0 means no key (no messages, or a body this cannot read); a real hash of 0 is mapped to 1. The same text gives
 * the same key through every API, on every replica.
 */
public final class PrefixKey {
  /** How much of a {@code /api/generate} prompt counts: FIM requests for one file share its beginning. */
  public static final int GENERATE_PROMPT_CHARS = 2048;

  private PrefixKey() {}

  /** Ollama {@code /api/chat}. */
  public static long of(ChatRequest request) {
    PrefixHash prefix = new PrefixHash();
    for (ChatRequest.Message m : request.messages()) {
      PrefixHash.Message message = new PrefixHash.Message();
      message.text(m.content(), 0, m.content().length());
      for (String image : m.images()) {
        message.image(image);
      }
      if (!prefix.add(m.role(), message)) {
        break;
      }
    }
    return prefix.key();
  }

  /**
   * Ollama {@code /api/generate}: the system prompt, then the first {@value #GENERATE_PROMPT_CHARS} characters of
   * the prompt and its images as a user message (so a short prompt keys as the same chat would). The suffix is
   * left out: it changes with every keystroke of an autocomplete.
   */
  public static long ofGenerate(GenerateRequest request) {
    PrefixHash prefix = new PrefixHash();
    if (request.system() != null) {
      PrefixHash.Message system = new PrefixHash.Message();
      system.text(request.system(), 0, request.system().length());
      prefix.add("system", system);
    }
    String prompt = request.prompt();
    if (!prompt.isEmpty() || !request.images().isEmpty()) {
      PrefixHash.Message user = new PrefixHash.Message();
      user.text(prompt, 0, Math.min(prompt.length(), GENERATE_PROMPT_CHARS));
      for (String image : request.images()) {
        user.image(image);
      }
      prefix.add("user", user);
    }
    return prefix.key();
  }

  /**
   * A raw OpenAI chat completions body as it is passed through; read only up to the end of the prefix. Never
   * throws: a body of any other shape, or not JSON, gives 0.
   */
  public static long ofOpenAiChat(byte[] body) {
    return ChatBodyPrefix.of(body);
  }

  /** The same for the {@code length} bytes of {@code body} from {@code offset} (a slice of a larger buffer). */
  public static long ofOpenAiChat(byte[] body, int offset, int length) {
    return ChatBodyPrefix.of(body, offset, length);
  }

  /** Anthropic {@code /v1/messages}: {@code system}, then the messages, as translated for the backend. */
  public static long ofAnthropic(MessagesRequest request) {
    return request.prefixKey();
  }

  /** OpenAI {@code /v1/responses}: {@code instructions}, then the input items, as translated for the backend. */
  public static long ofResponses(ResponsesRequest request) {
    return request.prefixKey();
  }

  /**
   * Chat completions {@code messages} as a tree (what the Anthropic and Responses translations build); 0 for
   * anything but an array of message objects.
   */
  public static long ofChatMessages(JsonNode messages) {
    if (messages == null || !messages.isArray()) {
      return 0;
    }
    PrefixHash prefix = new PrefixHash();
    for (JsonNode m : messages) {
      if (!m.isObject()) {
        return 0;
      }
      PrefixHash.Message message = new PrefixHash.Message();
      if (!content(m.get("content"), message)) {
        return 0;
      }
      JsonNode role = m.get("role");
      if (!prefix.add(role != null && role.isTextual() ? role.textValue() : null, message)) {
        break;
      }
    }
    return prefix.key();
  }

  /** @return false for a content of a shape chat completions does not have */
  private static boolean content(JsonNode content, PrefixHash.Message message) {
    if (content == null || content.isNull()) {
      return true;
    }
    if (content.isTextual()) {
      message.text(content.textValue(), 0, content.textValue().length());
      return true;
    }
    if (!content.isArray()) {
      return false;
    }
    for (JsonNode part : content) {
      if (!part.isObject()) {
        return false;
      }
      JsonNode text = part.get("text");
      if (text != null && text.isTextual()) {
        message.text(text.textValue(), 0, text.textValue().length());
      }
      JsonNode image = part.get("image_url");
      JsonNode url = image == null ? null : image.isTextual() ? image : image.get("url");
      if (url != null && url.isTextual()) {
        message.image(url.textValue());
      }
    }
    return true;
  }
}
