package io.github.ollamalmstudioproxy.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code deploy/nginx/ollama-proxy.conf} as the tests use it: the shipped text with only addresses changed.
 *
 * <p>The templating is deliberately small. In the first {@code upstream} block, the address of each {@code server}
 * line ({@code server HOST:PORT params;}) becomes a replica's {@code 127.0.0.1:port}, its parameters kept; the one
 * {@code listen} line's address becomes {@code 127.0.0.1:port}. Every other line is left as written, so a setting
 * changed in the file is a setting changed in the test. A file whose shape no longer fits (no upstream, a second
 * {@code listen}, fewer {@code server} lines than replicas) fails loudly instead of being half-rewritten.
 */
final class NginxExample {
  static final Path FILE = Path.of("deploy", "nginx", "ollama-proxy.conf");

  private static final Pattern UPSTREAM = Pattern.compile("\\s*upstream\\s+(\\S+)\\s*\\{\\s*");
  private static final Pattern SERVER = Pattern.compile("(\\s*server\\s+)(\\S+?)((\\s+[^;]*)?;.*)");
  private static final Pattern LISTEN = Pattern.compile("(\\s*listen\\s+)(\\S+?)((\\s+[^;]*)?;.*)");
  private static final Pattern SERVER_NAME = Pattern.compile("\\s*server_name\\s+([^\\s;]+).*;.*");

  private final List<String> lines;

  private NginxExample(List<String> lines) {
    this.lines = lines;
  }

  static NginxExample load() {
    try {
      return new NginxExample(Files.readAllLines(FILE));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + FILE + " (tests run from the project root)", e);
    }
  }

  String text() {
    return String.join("\n", lines) + "\n";
  }

  /** The first name of {@code server_name}: the public name clients use and replicas list in --allowed-hosts. */
  String serverName() {
    for (String line : lines) {
      Matcher m = SERVER_NAME.matcher(line);
      if (m.matches()) {
        return m.group(1);
      }
    }
    throw new IllegalStateException(FILE + " has no server_name line");
  }

  /** Every directive line, comments and blank lines left out, trimmed. */
  List<String> directives() {
    return lines.stream().map(NginxExample::uncommented).map(String::trim).filter(l -> !l.isEmpty()).toList();
  }

  /** The arguments of each occurrence of {@code directive} (a simple one on one line), e.g. "off". */
  List<String> values(String directive) {
    List<String> found = new ArrayList<>();
    for (String line : directives()) {
      if (line.startsWith(directive + " ") || line.equals(directive + ";")) {
        found.add(line.substring(directive.length(), line.lastIndexOf(';')).trim());
      }
    }
    return found;
  }

  /** How many {@code server} lines the upstream lists. */
  int upstreamServers() {
    return serverLines().size();
  }

  /**
   * The file with nginx listening on {@code 127.0.0.1:listenPort} and the upstream's servers pointed at
   * {@code 127.0.0.1:replicaPorts[i]}, in order.
   */
  String render(int listenPort, List<Integer> replicaPorts) {
    List<Integer> servers = serverLines();
    if (servers.size() != replicaPorts.size()) {
      throw new IllegalStateException(FILE + " lists " + servers.size() + " upstream servers; the test runs "
          + replicaPorts.size() + " replicas");
    }
    List<String> out = new ArrayList<>(lines);
    for (int i = 0; i < servers.size(); i++) {
      out.set(servers.get(i), replaceAddress(SERVER, out.get(servers.get(i)), replicaPorts.get(i)));
    }
    int listen = onlyListenLine();
    out.set(listen, replaceAddress(LISTEN, out.get(listen), listenPort));
    return String.join("\n", out) + "\n";
  }

  /** Indexes of the {@code server} lines inside the first {@code upstream { }} block. */
  private List<Integer> serverLines() {
    List<Integer> found = new ArrayList<>();
    boolean inside = false;
    for (int i = 0; i < lines.size(); i++) {
      String line = uncommented(lines.get(i));
      if (!inside && UPSTREAM.matcher(line).matches()) {
        inside = true;
      } else if (inside && line.trim().equals("}")) {
        return found;
      } else if (inside && SERVER.matcher(line).matches()) {
        found.add(i);
      }
    }
    throw new IllegalStateException(FILE + " has no complete upstream block");
  }

  private int onlyListenLine() {
    int found = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (LISTEN.matcher(uncommented(lines.get(i))).matches()) {
        if (found >= 0) {
          throw new IllegalStateException(FILE + " has more than one listen line; the test rewrites exactly one");
        }
        found = i;
      }
    }
    if (found < 0) {
      throw new IllegalStateException(FILE + " has no listen line");
    }
    return found;
  }

  private static String replaceAddress(Pattern pattern, String line, int port) {
    Matcher m = pattern.matcher(line);
    if (!m.matches()) {
      throw new IllegalStateException("not an address line: " + line);
    }
    return m.group(1) + "127.0.0.1:" + port + m.group(3);
  }

  private static String uncommented(String line) {
    int hash = line.indexOf('#');
    return hash < 0 ? line : line.substring(0, hash);
  }
}
