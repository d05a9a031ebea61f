package io.github.ollamalmstudioproxy.catalog.alias;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Names of model aliases, in Ollama's form {@code [namespace/]model[:tag]}: stored with their tag ({@code mybot}
 * becomes {@code mybot:latest}, as Ollama stores it) and compared case-insensitively, as Ollama matches names.
 */
public final class AliasName {
  static final String LATEST = "latest";
  /** Ollama's name parts ({@code types/model/name.go}): letters, digits, {@code _ . -}; the tag up to 128 chars. */
  private static final Pattern VALID = Pattern.compile(
      "[A-Za-z0-9][A-Za-z0-9_.-]{0,79}(/[A-Za-z0-9][A-Za-z0-9_.-]{0,79}){0,2}(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?");

  private AliasName() {}

  /** Whether {@code name} is a name Ollama would accept for a model it creates. */
  public static boolean valid(String name) {
    return name != null && VALID.matcher(name.strip()).matches() && !name.contains("..");
  }

  /** The stored form: stripped, with {@code :latest} when it has no tag. */
  public static String canonical(String name) {
    String n = name.strip();
    int slash = n.lastIndexOf('/');
    return n.indexOf(':', slash + 1) < 0 ? n + ":" + LATEST : n;
  }

  /** Whether two names name the same alias ({@code MyBot} and {@code mybot:latest} do). */
  public static boolean same(String a, String b) {
    return canonical(a).toLowerCase(Locale.ROOT).equals(canonical(b).toLowerCase(Locale.ROOT));
  }
}
