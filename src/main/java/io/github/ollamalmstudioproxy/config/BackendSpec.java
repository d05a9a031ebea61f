package io.github.ollamalmstudioproxy.config;

import java.net.URI;
import java.util.Objects;

/**
 * One configured backend.
 *
 * @param name unique among the backends, printed in logs, metrics and {@code /api/backends}; by default the URL's
 *     {@code host:port} (see {@link #defaultName})
 * @param url the base URL without a trailing slash and without credentials: safe to print
 * @param apiKey sent as {@code Authorization: Bearer}; null for none
 * @param userInfo {@code user:password} from the URL, decoded, sent as {@code Authorization: Basic}; null for none
 *     (the configuration never gives a backend both this and {@code apiKey})
 * @param weight at least 1: a backend's share in the weighted rendezvous hashing that routes by prompt prefix
 * @param profile how the proxy treats the server
 * @param capacity requests the backend runs at once per model when it does not report that itself (LM Studio reports
 *     {@code loaded_instances[].config.parallel}); null when not configured
 * @param maxInFlight this backend's own admission cap; null to use {@link ProxyConfig#maxInFlight()}
 */
public record BackendSpec(String name, URI url, String apiKey, String userInfo, int weight, BackendProfile profile,
    Integer capacity, Integer maxInFlight) {

  public BackendSpec {
    Objects.requireNonNull(url, "url");
    if (url.getRawUserInfo() != null) {
      // Whoever built this, the URL that is printed never carries the password.
      BackendUrl split = BackendUrl.split(url);
      url = split.url();
      userInfo = userInfo != null ? userInfo : split.userInfo();
    }
    String text = url.toString();
    if (text.endsWith("/")) {
      // Paths are appended to it: "http://h:1/" + "/v1/models" would have two slashes.
      url = URI.create(text.substring(0, text.length() - 1));
    }
    name = name == null ? defaultName(url) : name;
    profile = profile == null ? BackendProfile.AUTO : profile;
    if (name.isBlank()) {
      throw new IllegalArgumentException("a backend's name must not be blank");
    }
    if (weight < 1 || (capacity != null && capacity < 1) || (maxInFlight != null && maxInFlight < 1)) {
      throw new IllegalArgumentException("backend '" + name + "': weight, capacity and max-in-flight must be >= 1");
    }
  }

  /** A backend at {@code url} (credentials in it are split off) with everything else at its default. */
  public static BackendSpec of(URI url) {
    return new BackendSpec(null, url, null, null, 1, BackendProfile.AUTO, null, null);
  }

  /** The same backend under another name. */
  public BackendSpec withName(String newName) {
    return new BackendSpec(newName, url, apiKey, userInfo, weight, profile, capacity, maxInFlight);
  }

  /** {@code host:port}, the port being the scheme's when the URL has none: what the name is unless one is given. */
  public static String defaultName(URI url) {
    int port = url.getPort() >= 0 ? url.getPort() : "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
    return url.getHost() + ":" + port;
  }

  /** Everything but the key and the password. */
  @Override
  public String toString() {
    return "BackendSpec[name=" + name + ", url=" + url + ", apiKey=" + (apiKey == null ? "none" : "(set)")
        + ", userInfo=" + (userInfo == null ? "none" : "(set)") + ", weight=" + weight + ", profile=" + profile
        + ", capacity=" + capacity + ", maxInFlight=" + maxInFlight + "]";
  }
}
