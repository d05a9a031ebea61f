package io.github.ollamalmstudioproxy.translate.pull;

import static java.util.Objects.requireNonNull;

import io.github.ollamalmstudioproxy.ollama.Json;
import io.github.ollamalmstudioproxy.ollama.OllamaError;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What LM Studio is asked to download for an Ollama name: its {@code model} (a catalog id or an exact Hugging Face
 * link) and, for Hugging Face links only, a {@code quantization} (LM Studio's documented request, reference §4).
 *
 * <p>The forms, from Ollama's name to LM Studio's request:
 * <ul>
 *   <li>{@code hf.co/{user}/{repo}:{quant}} (Ollama's own Hugging Face form; {@code huggingface.co/} too) →
 *       {@code https://huggingface.co/{user}/{repo}} with {@code quantization} {@code {QUANT}}; without a tag or with
 *       {@code :latest}, no quantization (LM Studio picks one);
 *   <li>{@code https://huggingface.co/{user}/{repo}} → as it is;
 *   <li>{@code {publisher}/{model}} (an LM Studio catalog id, {@code openai/gpt-oss-20b}), {@code :latest} dropped.
 * </ul>
 * A bare library name ({@code qwen3:8b}) has no LM Studio equivalent: it is a 400 that names the forms to use.
 *
 * @param key one string per distinct download: pulls with the same key share one backend job
 * @param digest {@code sha256:} and 64 hex digits of the key: a stable id for the download, which Ollama's progress
 *     lines need ({@code digest[7:19]} is sliced by the CLI); not the file's hash, which LM Studio does not report
 */
public record DownloadTarget(String model, String quantization, String key, String digest) {
  private static final String HF_URL = "https://huggingface.co/";
  private static final String PART = "[A-Za-z0-9_.-]+";
  /** {@code hf.co/user/repo[:tag]} or {@code huggingface.co/user/repo[:tag]}, the host in any case. */
  private static final Pattern HF_SHORT = Pattern.compile("(?i:hf\\.co|huggingface\\.co)/(" + PART + "/" + PART
      + ")(?::(" + PART + "))?");
  private static final Pattern HF_LINK = Pattern.compile("(?i:https://huggingface\\.co)/(" + PART + "/" + PART
      + ")/?");
  private static final Pattern CATALOG_ID = Pattern.compile("(" + PART + "/" + PART + ")(?::(" + PART + "))?");
  /** The forms this proxy can pull, for the messages that refuse another. */
  public static final String FORMS = "pull an LM Studio catalog id ({publisher}/{model}, e.g. openai/gpt-oss-20b) or "
      + "a Hugging Face reference (hf.co/{user}/{repo}:{quant})";

  public DownloadTarget {
    requireNonNull(model, "model");
    requireNonNull(key, "key");
    requireNonNull(digest, "digest");
  }

  /**
   * The download for a name {@link PullRequest#parse} accepted.
   *
   * @throws OllamaError 400 for a bare Ollama library name (see {@link #isLibraryName}), for a catalog id with a tag
   *     other than {@code latest} (LM Studio takes a quantization only with Hugging Face links), or for any other
   *     form
   */
  public static DownloadTarget of(String name) {
    Matcher hf = HF_SHORT.matcher(name);
    if (hf.matches()) {
      String tag = hf.group(2);
      String quantization = tag == null || tag.equalsIgnoreCase("latest") ? null : tag.toUpperCase(Locale.ROOT);
      return target(HF_URL + hf.group(1), quantization);
    }
    Matcher link = HF_LINK.matcher(name);
    if (link.matches()) {
      return target(HF_URL + link.group(1), null);
    }
    Matcher catalog = CATALOG_ID.matcher(name);
    if (catalog.matches()) {
      String tag = catalog.group(2);
      if (tag != null && !tag.equalsIgnoreCase("latest")) {
        throw OllamaError.badRequest("pull model \"" + name + "\": LM Studio chooses the quantization of a catalog "
            + "model itself; to pick one, pull its Hugging Face repository: hf.co/{user}/{repo}:" + tag);
      }
      return target(catalog.group(1), null);
    }
    if (isLibraryName(name)) {
      throw OllamaError.badRequest("pull model \"" + name + "\": the Ollama library is not available through LM "
          + "Studio; " + FORMS);
    }
    throw OllamaError.badRequest("pull model \"" + name + "\": not a name LM Studio can download; " + FORMS);
  }

  /** A name without a namespace ({@code llama3.2}, {@code qwen3:8b}): one of the Ollama library's. */
  public static boolean isLibraryName(String name) {
    return !name.contains("/");
  }

  private static DownloadTarget target(String model, String quantization) {
    String key = model + (quantization == null ? "" : "@" + quantization);
    return new DownloadTarget(model, quantization, key, "sha256:" + sha256(key));
  }

  /** The body of {@code POST /api/v1/models/download}. */
  public String requestBody() {
    var body = Json.NODES.objectNode().put("model", model);
    if (quantization != null) {
      body.put("quantization", quantization);
    }
    return body.toString();
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime must provide SHA-256", e);
    }
  }
}
