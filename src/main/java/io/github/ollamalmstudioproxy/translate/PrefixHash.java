package io.github.ollamalmstudioproxy.translate;

/**
 * The canonical form behind {@link PrefixKey}: a sequence of messages, each a role and parts (text, or an image by
 * its fingerprint), folded into 64 bits. Every API's reader feeds the same form, so one conversation sent as
 * Ollama chat, OpenAI chat, Anthropic or Responses text gets the same key.
 *
 * <p>Not a cryptographic hash: it only has to spread conversations over backends, and the same input must give
 * the same key on every replica and every JVM (no {@code String.hashCode} seeds, no identity hashes).
 */
final class PrefixHash {
  /** How much of an image's text (a {@code data:} URL) is read at each end: enough to tell two images apart. */
  static final int IMAGE_EDGE = 64;
  private static final long FNV_BASIS = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;
  private static final long TEXT = 0x7465787431L;
  private static final long IMAGE = 0x696d616765L;
  private static final long ROLE = 0x726f6c65L;

  private long h = 0x5052454649584b31L;
  private int messages;

  /** One message's parts, hashed before its role is known (a raw body may name the role last). */
  static final class Message {
    private long h = 0x4d4553534147L;

    void text(CharSequence s, int from, int to) {
      long t = FNV_BASIS;
      for (int i = from; i < to; i++) {
        t = (t ^ s.charAt(i)) * FNV_PRIME;
      }
      addText(t, to - from);
    }

    void text(char[] s, int from, int to) {
      long t = FNV_BASIS;
      for (int i = from; i < to; i++) {
        t = (t ^ s[i]) * FNV_PRIME;
      }
      addText(t, to - from);
    }

    /** An image by its text: length and both ends (a 10 MB base64 string is not read whole). */
    void image(CharSequence url) {
      long f = FNV_BASIS;
      int n = url.length();
      for (int i = 0; i < Math.min(IMAGE_EDGE, n); i++) {
        f = (f ^ url.charAt(i)) * FNV_PRIME;
      }
      for (int i = Math.max(IMAGE_EDGE, n - IMAGE_EDGE); i < n; i++) {
        f = (f ^ url.charAt(i)) * FNV_PRIME;
      }
      addImage(f, n);
    }

    /** The same fingerprint from the raw bytes of a JSON string (equal to {@link #image(CharSequence)} for ASCII). */
    void image(byte[] raw, int from, int to) {
      long f = FNV_BASIS;
      int n = to - from;
      for (int i = 0; i < Math.min(IMAGE_EDGE, n); i++) {
        f = (f ^ (raw[from + i] & 0xff)) * FNV_PRIME;
      }
      for (int i = Math.max(IMAGE_EDGE, n - IMAGE_EDGE); i < n; i++) {
        f = (f ^ (raw[from + i] & 0xff)) * FNV_PRIME;
      }
      addImage(f, n);
    }

    private void addText(long t, int length) {
      h = mix64(mix64(mix64(h ^ TEXT) ^ t) ^ length);
    }

    private void addImage(long f, int length) {
      h = mix64(mix64(mix64(h ^ IMAGE) ^ f) ^ length);
    }
  }

  /** {@code system} and {@code developer} are one role here, as the Responses translation makes them. */
  static boolean isSystem(String role) {
    return "system".equalsIgnoreCase(role) || "developer".equalsIgnoreCase(role);
  }

  static boolean isUser(String role) {
    return "user".equalsIgnoreCase(role);
  }

  /**
   * Adds a message.
   *
   * @return true while the prefix goes on: leading system messages, then every message up to the first user one
   */
  boolean add(String role, Message message) {
    String canonical = isSystem(role) ? "system" : role == null ? "" : role;
    long r = FNV_BASIS;
    for (int i = 0; i < canonical.length(); i++) {
      r = (r ^ Character.toLowerCase(canonical.charAt(i))) * FNV_PRIME;
    }
    h = mix64(mix64(h ^ ROLE ^ r) ^ message.h);
    messages++;
    return !isUser(role);
  }

  /** The key: 0 when no message was added, never 0 otherwise. */
  long key() {
    if (messages == 0) {
      return 0;
    }
    long k = mix64(h ^ messages);
    return k == 0 ? 1 : k;
  }

  /** The SplitMix64 / Murmur3 finalizer. */
  static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
