package io.github.ollamalmstudioproxy.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * Names backends: a name given must be unique; a backend without one is called by its URL's {@code host:port}, and
 * the second backend that would get the same name gets {@code #2} appended, the third {@code #3}, so two LM Studio
 * instances on one host still tell apart in logs and metrics.
 */
final class BackendNames {
  private BackendNames() {}

  /**
   * {@code backends} with their final names; {@code given} holds the name each was given, null where none was.
   *
   * @param entry how an error names the {@code i}-th backend
   */
  static List<BackendSpec> assign(List<String> given, List<BackendSpec> backends, IntFunction<String> entry,
      String context) {
    Map<String, Integer> taken = new HashMap<>();
    for (int i = 0; i < given.size(); i++) {
      String name = given.get(i);
      if (name != null) {
        Integer earlier = taken.putIfAbsent(name, i);
        if (earlier != null) {
          throw new ConfigException("duplicate backend name '" + name + "'" + context + ": " + entry.apply(earlier)
              + " and " + entry.apply(i));
        }
      }
    }
    Set<String> used = new HashSet<>(taken.keySet());
    List<BackendSpec> named = new ArrayList<>(backends.size());
    for (int i = 0; i < backends.size(); i++) {
      BackendSpec b = backends.get(i);
      if (given.get(i) != null) {
        named.add(b.withName(given.get(i)));
        continue;
      }
      String base = BackendSpec.defaultName(b.url());
      String name = base;
      for (int n = 2; !used.add(name); n++) {
        name = base + "#" + n;
      }
      named.add(b.withName(name));
    }
    return List.copyOf(named);
  }
}
