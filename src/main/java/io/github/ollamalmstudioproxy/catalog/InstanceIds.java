package io.github.ollamalmstudioproxy.catalog;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * LM Studio lists extra loaded copies of a model as their own ids ({@code key:2}, {@code key:3}); they are
 * instances of {@code key}, not models. Flat lists (v0, {@code /v1/models}) are folded here.
 */
final class InstanceIds {
  private static final Pattern INSTANCE = Pattern.compile("^(.+):(\\d+)$");

  /** An id split into its model key and instance number. */
  record Split(String key, int number) {}

  private InstanceIds() {}

  /** The key and number when {@code id} has the {@code key:N} form (N ≥ 2), else null. */
  static Split split(String id) {
    Matcher m = INSTANCE.matcher(id);
    if (!m.matches() || m.group(1).contains(":") || m.group(2).length() > 6) {
      return null;
    }
    int n = Integer.parseInt(m.group(2));
    return n >= 2 ? new Split(m.group(1), n) : null;
  }

  /**
   * Groups ids into models. An id {@code key:N} whose {@code key} is also listed becomes an instance of it; one
   * whose key is absent stays a model of its own, since some servers use colons in real model names.
   *
   * @return model id to the extra instance ids seen for it, in list order
   */
  static Map<String, List<String>> fold(List<String> ids) {
    Map<String, String> byLower = new LinkedHashMap<>();
    for (String id : ids) {
      byLower.putIfAbsent(id.toLowerCase(Locale.ROOT), id);
    }
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (String id : ids) {
      Split s = split(id);
      String base = s == null ? null : byLower.get(s.key().toLowerCase(Locale.ROOT));
      if (base != null) {
        out.computeIfAbsent(base, k -> new ArrayList<>()).add(id);
      } else {
        out.computeIfAbsent(id, k -> new ArrayList<>());
      }
    }
    return out;
  }
}
