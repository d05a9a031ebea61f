package io.github.ollamalmstudioproxy.catalog.alias;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A model defined on top of a backend model, as {@code ollama create} defines one: the backend model it runs on, the
 * parameters that are defaults for every request naming it, a system prompt used when a request has none, messages
 * put before the conversation, and license texts. Immutable; {@link #parameters()} is a copy each time.
 *
 * @param name the alias's name with its tag ({@code mybot:latest})
 * @param from the Ollama name of the backend model it runs on (never another alias: deriving from an alias copies
 *     its definition, as Ollama copies the layers of the model it creates from)
 * @param system empty for none
 * @param template empty for none (only the template the backend applies anyway is ever accepted)
 * @param modifiedAt when it was created, or null when the file does not say (an alias written by hand)
 */
public record ModelAlias(String name, String from, ObjectNode parameters, String system, String template,
    List<Message> messages, List<String> license, Instant modifiedAt) {

  /** A {@code MESSAGE} line: one turn put before every conversation on {@code /api/chat}. */
  public record Message(String role, String content) {
    public Message {
      requireNonNull(role, "role");
      requireNonNull(content, "content");
    }
  }

  public ModelAlias {
    requireNonNull(name, "name");
    requireNonNull(from, "from");
    parameters = parameters == null ? JsonNodeFactory.instance.objectNode() : parameters.deepCopy();
    system = system == null ? "" : system;
    template = template == null ? "" : template;
    messages = messages == null ? List.of() : List.copyOf(messages);
    license = license == null ? List.of() : List.copyOf(license);
  }

  @Override
  public ObjectNode parameters() {
    return parameters.deepCopy();
  }

  /** The same definition under another name, as {@code /api/copy} makes it. */
  public ModelAlias renamed(String newName, Instant now) {
    return new ModelAlias(newName, from, parameters, system, template, messages, license, now);
  }

  /**
   * A new alias created from this one, as Ollama's create treats the model it creates from
   * ({@code server/create.go} {@code createModel}, {@code setParameters}): the new parameters win and the old ones
   * fill in the rest; a system prompt, a template or messages replace the old ones only when given; license texts
   * add up.
   */
  public ModelAlias derive(String newName, ObjectNode newParameters, String newSystem, String newTemplate,
      List<Message> newMessages, List<String> newLicense, Instant now) {
    ObjectNode merged = parameters.deepCopy();
    if (newParameters != null) {
      merged.setAll(newParameters);
    }
    List<String> licenses = new ArrayList<>(license);
    if (newLicense != null) {
      licenses.addAll(newLicense);
    }
    return new ModelAlias(newName, from, merged, isEmpty(newSystem) ? system : newSystem,
        isEmpty(newTemplate) ? template : newTemplate,
        newMessages == null || newMessages.isEmpty() ? messages : newMessages, licenses, now);
  }

  /** {@code sha256:<hex>} of the definition (not of its name or time): what {@code /api/tags} shows as its digest. */
  public String digest() {
    ObjectNode d = JsonNodeFactory.instance.objectNode();
    d.put("from", from);
    d.set("parameters", parameters);
    d.put("system", system);
    d.put("template", template);
    messages.forEach(m -> d.withArray("messages").addObject().put("role", m.role()).put("content", m.content()));
    license.forEach(l -> d.withArray("license").add(l));
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(d.toString().getBytes(StandardCharsets.UTF_8));
      return "sha256:" + HexFormat.of().formatHex(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private static boolean isEmpty(String s) {
    return s == null || s.isEmpty();
  }
}
