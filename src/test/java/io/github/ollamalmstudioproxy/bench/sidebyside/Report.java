package io.github.ollamalmstudioproxy.bench.sidebyside;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The figures of one run: a row per figure with its target, plus the raw measurements, written as Markdown and JSON.
 * Targets are reported, never enforced; only failed requests make the run fail.
 */
final class Report {
  /** One figure: what was measured, the target, whether it was met (null when there is no target), and how. */
  record Row(String section, String figure, String measured, String target, Boolean met, String detail) {}

  /** A table of its own in latest.md (the figures are also in raw, for latest.json). */
  record Table(String title, List<String> header, List<List<String>> rows) {}

  private final List<Row> rows = new ArrayList<>();
  private final List<Table> tables = new ArrayList<>();
  private final Map<String, Object> raw = new LinkedHashMap<>();
  private final List<String> failures = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();

  void row(String section, String figure, String measured, String target, Boolean met, String detail) {
    rows.add(new Row(section, figure, measured, target, met, detail));
    System.out.printf("  %-40s %-28s target %-14s %s%n", figure, measured, target == null ? "-" : target,
        met == null ? "" : met ? "met" : "MISSED");
  }

  void table(String title, List<String> header, List<List<String>> cells) {
    tables.add(new Table(title, header, cells));
  }

  void raw(String key, Object value) {
    raw.put(key, value);
  }

  /** A request that did not complete correctly: the run fails. */
  void failure(String what) {
    failures.add(what);
    System.out.println("  FAILURE: " + what);
  }

  void note(String text) {
    notes.add(text);
    System.out.println("  note: " + text);
  }

  List<String> failures() {
    return failures;
  }

  void write(Path dir, Map<String, Object> machine) throws IOException {
    Files.createDirectories(dir);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("machine", machine);
    json.put("rows", rows);
    json.put("failures", failures);
    json.put("notes", notes);
    json.put("raw", raw);
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve("latest.json").toFile(), json);
    Files.writeString(dir.resolve("latest.md"), markdown(machine));
  }

  String markdown(Map<String, Object> machine) {
    StringBuilder md = new StringBuilder("## Side-by-side benchmark results\n\n");
    machine.forEach((k, v) -> md.append("- ").append(k).append(": ").append(v).append('\n'));
    md.append("\n| Section | Figure | Measured | Target | Met | How |\n|---|---|---|---|---|---|\n");
    for (Row r : rows) {
      md.append("| ").append(r.section()).append(" | ").append(r.figure()).append(" | ").append(r.measured())
          .append(" | ").append(r.target() == null ? "–" : r.target()).append(" | ")
          .append(r.met() == null ? "–" : r.met() ? "yes" : "**no**").append(" | ")
          .append(r.detail() == null ? "" : r.detail().replace("|", "\\|")).append(" |\n");
    }
    md.append('\n');
    for (Table t : tables) {
      md.append("### ").append(t.title()).append("\n\n| ").append(String.join(" | ", t.header())).append(" |\n|")
          .append("---|".repeat(t.header().size())).append('\n');
      t.rows().forEach(r -> md.append("| ").append(String.join(" | ", r)).append(" |\n"));
      md.append('\n');
    }
    if (!notes.isEmpty()) {
      md.append("Notes:\n\n");
      notes.forEach(n -> md.append("- ").append(n).append('\n'));
      md.append('\n');
    }
    md.append(failures.isEmpty() ? "Every request completed correctly.\n"
        : "**Failed requests:**\n\n" + String.join("\n", failures.stream().map(f -> "- " + f).toList()) + "\n");
    return md.toString();
  }
}
