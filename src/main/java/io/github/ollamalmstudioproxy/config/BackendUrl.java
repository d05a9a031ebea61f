package io.github.ollamalmstudioproxy.config;

import java.net.URI;
import java.util.regex.Pattern;

/**
 * A backend URL and the credentials its user-info part carries ({@code http://user:password@host:port}), apart: the
 * URL is printed in messages and logs, the credentials only ever leave as the backend's {@code Authorization: Basic}
 * header.
 *
 * @param url the URL without user info
 * @param userInfo {@code user:password}, percent-decoded; null when the URL has none
 */
public record BackendUrl(URI url, String userInfo) {
  /** {@code scheme://user-info@}: what {@link #redact} hides, even in text that is not a valid URL. */
  private static final Pattern USER_INFO = Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://)[^/?#@\\s]*@");

  /** Splits the user info off {@code uri}. */
  public static BackendUrl split(URI uri) {
    if (uri.getRawUserInfo() == null) {
      return new BackendUrl(uri, null);
    }
    // The raw text minus "user-info@": an '@' inside the user info is always percent-encoded, so the first one after
    // "//" ends it, and the rest of the URL stays exactly as written.
    String raw = uri.toString();
    int start = raw.indexOf("//") + 2;
    int at = raw.indexOf('@', start);
    return new BackendUrl(URI.create(raw.substring(0, start) + raw.substring(at + 1)), uri.getUserInfo());
  }

  /** {@code text} with the user info of any URL in it replaced by {@code ***}. */
  public static String redact(String text) {
    return text == null ? null : USER_INFO.matcher(text).replaceAll("$1***@");
  }

  @Override
  public String toString() {
    return url + (userInfo == null ? "" : " (with credentials)");
  }
}
