package io.github.ollamalmstudioproxy.catalog;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * A synthetic, stable {@code digest} for a model: sha256 of its key and quantization, as 64 lowercase hex digits.
 *
 * <p>Ollama's digest is the sha256 of a manifest we do not have. Clients only need the shape (the CLI slices
 * {@code digest[:12]}; shorter strings crash it) and stability (caches key on it), and a new quantization of the
 * same key must look like a different model.
 */
final class Digests {
  private Digests() {}

  static String of(String key, String quantization) {
    String input = key + "\n" + (quantization == null ? "" : quantization.toUpperCase(Locale.ROOT));
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(input.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime must provide SHA-256", e);
    }
  }
}
