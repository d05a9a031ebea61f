package io.github.ollamalmstudioproxy.translate;

import io.github.ollamalmstudioproxy.ollama.OllamaError;
import java.util.Base64;

/** Ollama base64 images to OpenAI {@code data:} URLs with a MIME type sniffed from the bytes. */
public final class Images {
  private Images() {}

  /**
   * Validates one image and returns it as {@code data:<mime>;base64,<payload>}. Ollama itself takes only raw base64,
   * but clients that speak both APIs send {@code data:} URIs too, and accepting them is unambiguous.
   *
   * @param path the field, for the error message
   */
  static String toDataUrl(String image, String path) {
    String payload = image;
    if (payload.startsWith("data:")) {
      int comma = payload.indexOf(',');
      if (comma < 0 || !payload.substring(0, comma).endsWith(";base64")) {
        throw OllamaError.badRequest("invalid image in \"" + path + "\": only base64 data URIs are supported");
      }
      payload = payload.substring(comma + 1);
    }
    payload = stripWhitespace(payload);
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(payload);
    } catch (IllegalArgumentException e) {
      throw OllamaError.badRequest("invalid image in \"" + path + "\": illegal base64 data (" + e.getMessage() + ")");
    }
    if (bytes.length == 0) {
      throw OllamaError.badRequest("invalid image in \"" + path + "\": empty");
    }
    return "data:" + sniff(bytes) + ";base64," + payload;
  }

  /** The image type from its magic bytes; JPEG when unknown, as Ollama's own translator does. */
  public static String sniff(byte[] b) {
    if (startsWith(b, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
      return "image/png";
    }
    if (startsWith(b, 0, 'G', 'I', 'F', '8') && b.length >= 6 && (b[4] == '7' || b[4] == '9') && b[5] == 'a') {
      return "image/gif";
    }
    if (startsWith(b, 0, 'R', 'I', 'F', 'F') && startsWith(b, 8, 'W', 'E', 'B', 'P')) {
      return "image/webp";
    }
    return "image/jpeg";
  }

  private static boolean startsWith(byte[] b, int off, int... magic) {
    if (b.length < off + magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if ((b[off + i] & 0xFF) != magic[i]) {
        return false;
      }
    }
    return true;
  }

  private static String stripWhitespace(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isWhitespace(s.charAt(i))) {
        return s.replaceAll("\\s+", "");
      }
    }
    return s;
  }
}
