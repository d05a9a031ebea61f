package io.github.ollamalmstudioproxy.deploy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the tests need of {@code deploy/Dockerfile}'s final stage, read from the file itself: its environment, exposed
 * ports, user, exec-form entry command and the files it copies. Only the forms that file uses are understood; any
 * other form fails loudly rather than being half read.
 */
record Dockerfile(Map<String, String> env, List<Integer> exposed, String user, List<String> entrypoint,
    List<String> cmd, List<Copy> copies, Map<String, String> buildStageWorkdirs) {
  static final Path FILE = Path.of("deploy", "Dockerfile");

  /** A {@code COPY [--from=stage] source destination} of the final stage; {@code fromStage} null for the context. */
  record Copy(String fromStage, String source, String destination) {}

  /** The full command the container runs: ENTRYPOINT then CMD, both exec form. */
  List<String> command() {
    List<String> all = new ArrayList<>(entrypoint);
    all.addAll(cmd);
    return all;
  }

  static Dockerfile read() {
    List<String> instructions;
    try {
      instructions = instructions(Files.readAllLines(FILE));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> env = new LinkedHashMap<>();
    List<Integer> exposed = new ArrayList<>();
    List<Copy> copies = new ArrayList<>();
    Map<String, String> workdirs = new LinkedHashMap<>();
    String user = null;
    List<String> entrypoint = List.of();
    List<String> cmd = List.of();
    String stage = null;
    for (String line : instructions) {
      String[] parts = line.split("\\s+", 2);
      String keyword = parts[0].toUpperCase(java.util.Locale.ROOT);
      String rest = parts.length > 1 ? parts[1].trim() : "";
      if (keyword.equals("FROM")) {
        // Everything before the last FROM belongs to earlier stages: start over, keeping the stages' workdirs.
        String[] from = rest.split("\\s+");
        stage = from.length == 3 && from[1].equalsIgnoreCase("AS") ? from[2] : null;
        env.clear();
        exposed.clear();
        copies.clear();
        user = null;
        entrypoint = List.of();
        cmd = List.of();
        continue;
      }
      switch (keyword) {
        case "WORKDIR" -> {
          if (stage != null) {
            workdirs.put(stage, rest);
          }
        }
        case "ENV" -> {
          for (String pair : rest.split("\\s+")) {
            int eq = pair.indexOf('=');
            if (eq <= 0 || pair.contains("\"") || pair.contains("'")) {
              throw new IllegalStateException(FILE + ": only unquoted ENV KEY=value is understood here: " + line);
            }
            env.put(pair.substring(0, eq), pair.substring(eq + 1));
          }
        }
        case "EXPOSE" -> {
          for (String port : rest.split("\\s+")) {
            exposed.add(Integer.parseInt(port.replace("/tcp", "")));
          }
        }
        case "USER" -> user = rest;
        case "ENTRYPOINT" -> entrypoint = execForm(line, rest);
        case "CMD" -> cmd = execForm(line, rest);
        case "COPY" -> copies.add(copy(line, rest));
        default -> {
          // ARG, RUN, LABEL: nothing the tests compare.
        }
      }
    }
    return new Dockerfile(Map.copyOf(env), List.copyOf(exposed), user, entrypoint, cmd, List.copyOf(copies),
        Map.copyOf(workdirs));
  }

  /** Comments and blank lines dropped, continuation lines joined. */
  private static List<String> instructions(List<String> lines) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String raw : lines) {
      String line = raw.strip();
      if (line.startsWith("#") || (line.isEmpty() && current.isEmpty())) {
        continue;
      }
      boolean continues = line.endsWith("\\");
      current.append(continues ? line.substring(0, line.length() - 1) : line).append(' ');
      if (!continues) {
        out.add(current.toString().strip());
        current.setLength(0);
      }
    }
    return out;
  }

  /** The JSON array form: a shell form would put {@code /bin/sh} in front and keep SIGTERM from the JVM. */
  private static List<String> execForm(String line, String rest) {
    if (!rest.startsWith("[")) {
      throw new IllegalStateException(FILE + ": not in exec form (a JSON array): " + line);
    }
    try {
      return List.copyOf(new ObjectMapper().readValue(rest, new TypeReference<List<String>>() {}));
    } catch (IOException e) {
      throw new IllegalStateException(FILE + ": not a JSON array of strings: " + line, e);
    }
  }

  private static Copy copy(String line, String rest) {
    List<String> words = new ArrayList<>(List.of(rest.split("\\s+")));
    String from = null;
    if (words.get(0).startsWith("--from=")) {
      from = words.remove(0).substring("--from=".length());
    }
    if (words.size() != 2 || words.get(0).startsWith("--")) {
      throw new IllegalStateException(FILE + ": only COPY [--from=stage] source destination is understood: " + line);
    }
    return new Copy(from, words.get(0), words.get(1));
  }
}
