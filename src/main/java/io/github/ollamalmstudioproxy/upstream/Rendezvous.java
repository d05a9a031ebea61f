package io.github.ollamalmstudioproxy.upstream;

/**
 * Weighted rendezvous (highest random weight) hashing: each backend scores a key, the highest score wins. The score
 * depends only on the key, the backend's name and its weight, so every replica picks the same backend for the same
 * key without talking to the others, and removing a backend moves only the keys it won (every other backend keeps
 * its scores): the property that keeps the other backends' KV caches warm.
 *
 * <p>The score is {@code -weight / ln(u)} with {@code u} uniform in (0, 1) from a 64-bit mix of the key and the
 * name (Schindelhauer and Schomaker's weighted form): a backend wins a share of the keys proportional to its weight.
 */
public final class Rendezvous {
  private static final long FNV_BASIS = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  private Rendezvous() {}

  /** The backend's score for the key; higher wins. Weight 0 or less scores 0: it wins only when nothing else can. */
  public static double score(long key, String backend, int weight) {
    if (weight <= 0) {
      return 0;
    }
    long h = mix64(mix64(key) + nameHash(backend));
    // The top 53 bits as a double in (0, 1): never 0 (ln would be -inf) and never 1 (ln would be 0).
    double u = ((h >>> 11) + 0.5) * 0x1.0p-53;
    // StrictMath: Math.log may differ by an ulp between CPUs and JVMs, and replicas must agree to the bit.
    return -weight / StrictMath.log(u);
  }

  /** A stable 64-bit hash of the name (String.hashCode has only 32 bits). */
  static long nameHash(String name) {
    long h = FNV_BASIS;
    for (int i = 0; i < name.length(); i++) {
      h = (h ^ name.charAt(i)) * FNV_PRIME;
    }
    return mix64(h);
  }

  /** The SplitMix64 / Murmur3 finalizer: a bijection whose every output bit depends on every input bit. */
  static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
