package io.github.ollamalmstudioproxy.catalog.alias;

import io.github.ollamalmstudioproxy.ollama.OllamaError;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A Modelfile read by Ollama's rules ({@code parser/parser.go} {@code ParseFile}, {@code parseRuneForState},
 * {@code unquote}): one instruction per line, its name in any case; {@code #} starts a comment line; a value runs to
 * the end of its line unless it opens with {@code "} or {@code """}, which may span lines until the closing quote;
 * {@code PARAMETER name value}; {@code MESSAGE role text} with role {@code system}, {@code user} or
 * {@code assistant}. Errors carry the line as Ollama words them: {@code (line 3): command must be one of ...}.
 */
public final class Modelfile {
  /** One instruction: its lower-case name ({@code from}, {@code parameter}, ...), parameter name or role, value. */
  public record Command(String name, String key, String value, int line) {}

  /** Ollama's {@code isValidCommand} list. */
  private static final Set<String> COMMANDS = Set.of("from", "license", "template", "system", "adapter", "draft",
      "renderer", "parser", "parameter", "message", "requires");
  private static final String INVALID_COMMAND = "command must be one of \"from\", \"license\", \"template\","
      + " \"system\", \"adapter\", \"draft\", \"renderer\", \"parser\", \"parameter\", \"message\", or \"requires\"";
  private static final String INVALID_ROLE = "message role must be one of \"system\", \"user\", or \"assistant\"";

  private final String text;
  private int pos;
  private int line = 1;

  private Modelfile(String text) {
    // Ollama's reader drops a byte order mark (unicode.BOMOverride).
    this.text = text.startsWith("\uFEFF") ? text.substring(1) : text;
  }

  /**
   * @throws OllamaError 400 with Ollama's message: an unknown instruction or role, an unterminated quote
   *     ({@code unexpected EOF}), or {@code no FROM line}
   */
  public static List<Command> parse(String text) {
    List<Command> commands = new Modelfile(text).commands();
    if (commands.stream().noneMatch(c -> c.name().equals("from"))) {
      throw OllamaError.badRequest("no FROM line");
    }
    return commands;
  }

  private List<Command> commands() {
    List<Command> out = new ArrayList<>();
    while (true) {
      skipBlank();
      if (pos >= text.length()) {
        return out;
      }
      if (text.charAt(pos) == '#') {
        while (pos < text.length() && !isNewline(text.charAt(pos))) {
          pos++;
        }
        continue;
      }
      int at = line;
      String name = word(Modelfile::isAlpha);
      if (name.isEmpty() || !atSpace() || !COMMANDS.contains(name.toLowerCase(Locale.ROOT))) {
        throw error(at, INVALID_COMMAND);
      }
      name = name.toLowerCase(Locale.ROOT);
      skipSpaces();
      String key = null;
      if (name.equals("parameter")) {
        key = word(c -> isAlpha(c) || c >= '0' && c <= '9' || c == '_');
        if (key.isEmpty() || !atSpace()) {
          throw error(at, "unexpected EOF");
        }
        skipSpaces();
      } else if (name.equals("message")) {
        key = word(Modelfile::isAlpha);
        if (key.isEmpty() || !atSpace()) {
          throw error(at, "unexpected EOF");
        }
        if (!Set.of("system", "user", "assistant").contains(key)) {
          throw error(at, INVALID_ROLE);
        }
        skipSpaces();
      }
      out.add(new Command(name, key, value(at), at));
    }
  }

  /** The value from here: the rest of the line, or a quoted text that may span lines. */
  private String value(int at) {
    String quote = text.startsWith("\"\"\"", pos) ? "\"\"\"" : text.startsWith("\"", pos) ? "\"" : null;
    if (quote == null) {
      int start = pos;
      while (pos < text.length() && !isNewline(text.charAt(pos))) {
        pos++;
      }
      return text.substring(start, pos).strip();
    }
    int start = pos + quote.length();
    int end = closing(start, quote);
    if (end < 0) {
      throw error(at, "unexpected EOF");
    }
    for (int i = pos; i < end + quote.length(); i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    pos = end + quote.length();
    return text.substring(start, end);
  }

  /**
   * Where the closing quote is: Ollama's value ends at the first line end (or end of text) where the text so far,
   * trimmed, ends with the quote; so a quote followed by more text on its line does not close.
   */
  private int closing(int start, String quote) {
    int from = start;
    while (true) {
      int eol = from;
      while (eol < text.length() && !isNewline(text.charAt(eol))) {
        eol++;
      }
      String upToEol = text.substring(start, eol).stripTrailing();
      if (upToEol.endsWith(quote) && start + upToEol.length() - quote.length() >= start) {
        return start + upToEol.length() - quote.length();
      }
      if (eol >= text.length()) {
        return -1;
      }
      from = eol + 1;
    }
  }

  private String word(java.util.function.IntPredicate allowed) {
    int start = pos;
    while (pos < text.length() && allowed.test(text.charAt(pos))) {
      pos++;
    }
    return text.substring(start, pos);
  }

  private boolean atSpace() {
    return pos < text.length() && (text.charAt(pos) == ' ' || text.charAt(pos) == '\t');
  }

  private void skipSpaces() {
    while (atSpace()) {
      pos++;
    }
  }

  private void skipBlank() {
    while (pos < text.length() && (atSpace() || isNewline(text.charAt(pos)))) {
      if (text.charAt(pos) == '\n') {
        line++;
      }
      pos++;
    }
  }

  private static boolean isAlpha(int c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
  }

  private static boolean isNewline(char c) {
    return c == '\n' || c == '\r';
  }

  private static OllamaError error(int at, String message) {
    return OllamaError.badRequest("(line " + at + "): " + message);
  }
}
