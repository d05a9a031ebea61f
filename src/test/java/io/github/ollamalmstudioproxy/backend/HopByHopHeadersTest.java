package io.github.ollamalmstudioproxy.backend;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Which headers a proxy hop forwards (RFC 9110 §7.6.1), written as {@code "Name: value"} lines in order. */
class HopByHopHeadersTest {

  /** Headers in, the caller's extra exclusions, and the headers that must come out, in order. */
  record Copy(List<String> in, Set<String> also, List<String> out) {}

  static Stream<Arguments> alwaysDropped() {
    return Stream.of(
        dropped("Connection: close"),
        dropped("connection: keep-alive"),
        dropped("KEEP-ALIVE: timeout=5, max=100"),
        dropped("Keep-Alive: timeout=5"),
        dropped("Proxy-Authenticate: Basic realm=\"proxy\""),
        dropped("proxy-authorization: Basic dXNlcjpwYXNz"),
        dropped("Proxy-Connection: keep-alive"),
        dropped("TE: trailers"),
        dropped("te: trailers"),
        dropped("Trailer: Expires"),
        dropped("Transfer-Encoding: chunked"),
        dropped("TRANSFER-ENCODING: chunked"),
        dropped("Upgrade: h2c"),
        dropped("Host: localhost:1234"),
        dropped("HOST: 127.0.0.1"),
        dropped("HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA"),
        dropped("http2-settings: AAMAAABkAARAAAAAAAIAAAAA"));
  }

  static Stream<Arguments> namedByConnection() {
    return Stream.of(
        row("one name", List.of("Connection: X-Foo", "X-Foo: 1", "Accept: */*"), Set.of(), List.of("Accept: */*")),
        row("name matched in any case", List.of("Connection: X-FOO", "x-foo: 1", "Accept: */*"), Set.of(),
            List.of("Accept: */*")),
        row("comma list with spaces",
            List.of("Connection: keep-alive, X-Foo ,  X-Bar", "X-Foo: 1", "X-Bar: 2", "X-Baz: 3"), Set.of(),
            List.of("X-Baz: 3")),
        row("comma list without spaces", List.of("Connection: x-foo,x-bar", "X-Foo: 1", "X-Bar: 2", "X-Baz: 3"),
            Set.of(), List.of("X-Baz: 3")),
        row("two Connection headers", List.of("Connection: X-Foo", "X-Foo: 1", "connection: X-Bar", "X-Bar: 2",
            "X-Baz: 3"), Set.of(), List.of("X-Baz: 3")),
        row("an otherwise end-to-end header, once named", List.of("Connection: Cache-Control",
            "Cache-Control: no-cache", "Accept: */*"), Set.of(), List.of("Accept: */*")),
        row("empty tokens name nothing", List.of("Connection: , ,", "X-Foo: 1"), Set.of(), List.of("X-Foo: 1")),
        row("a name nobody sent", List.of("Connection: X-Absent", "X-Foo: 1"), Set.of(), List.of("X-Foo: 1")),
        row("the message's length, type and coding are never a connection option",
            List.of("Connection: content-length, Content-Type, content-encoding, X-Foo", "Content-Length: 11",
                "Content-Type: application/json", "Content-Encoding: identity", "X-Foo: 1"), Set.of(),
            List.of("Content-Length: 11", "Content-Type: application/json", "Content-Encoding: identity")),
        row("transfer-encoding named or not, always dropped: the relay frames the body itself",
            List.of("Connection: transfer-encoding", "Transfer-Encoding: chunked", "Accept: */*"), Set.of(),
            List.of("Accept: */*")));
  }

  static Stream<Arguments> callerExclusions() {
    return Stream.of(
        row("exact name, header in another case", List.of("Authorization: Bearer k", "X-Request-Id: r1"),
            Set.of("authorization"), List.of("X-Request-Id: r1")),
        row("two exact names", List.of("AUTHORIZATION: Bearer k", "x-request-id: r1", "Accept: */*"),
            Set.of("authorization", "x-request-id"), List.of("Accept: */*")),
        row("exact name is not a prefix", List.of("X-Request-Id-Extra: 1"), Set.of("x-request-id"),
            List.of("X-Request-Id-Extra: 1")),
        row("prefix wildcard", List.of("Access-Control-Allow-Origin: *", "access-control-max-age: 5",
            "ACCESS-CONTROL-ALLOW-HEADERS: x", "Content-Type: application/json"), Set.of("access-control-*"),
            List.of("Content-Type: application/json")),
        row("prefix wildcard needs the whole prefix", List.of("Access-Control: x", "Access-Controls: y"),
            Set.of("access-control-*"), List.of("Access-Control: x", "Access-Controls: y")),
        row("wildcard and exact together", List.of("X-Stainless-Lang: js", "x-stainless-os: Linux",
            "Authorization: Bearer k", "User-Agent: OpenAI/JS 4.0"), Set.of("x-stainless-*", "authorization"),
            List.of("User-Agent: OpenAI/JS 4.0")),
        row("no exclusions", List.of("Authorization: Bearer k"), Set.of(), List.of("Authorization: Bearer k")));
  }

  static Stream<Arguments> kept() {
    List<String> endToEnd = List.of("Content-Type: application/json", "Content-Length: 42", "Accept: */*",
        "Accept-Encoding: gzip", "User-Agent: ollama-python/0.4", "Cache-Control: no-cache",
        "Authorization: Bearer k", "X-Stainless-Lang: python", "Date: Tue, 01 Dec 2026 10:00:00 GMT",
        "Content-Encoding: identity", "Vary: Origin");
    List<String> interleaved = List.of("Set-Cookie: a=1", "Vary: Origin", "set-cookie: b=2", "Vary: Accept",
        "X-Multi: 1", "X-Multi: 2", "X-Multi: 3");
    return Stream.of(
        row("end-to-end headers, names as sent", endToEnd, Set.of(), endToEnd),
        row("multi-valued headers, in order", interleaved, Set.of(), interleaved),
        row("multi-valued headers around dropped ones", List.of("X-Multi: 1", "Transfer-Encoding: chunked",
            "X-Multi: 2", "Connection: X-Gone", "X-Gone: 0", "X-Multi: 3"), Set.of(),
            List.of("X-Multi: 1", "X-Multi: 2", "X-Multi: 3")),
        row("nothing in, nothing out", List.of(), Set.of(), List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("alwaysDropped")
  void dropsEveryHopByHopHeaderInAnyCase(Copy copy) {
    assertThat(copied(copy)).isEqualTo(copy.out());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("namedByConnection")
  void dropsTheHeadersAConnectionHeaderNames(Copy copy) {
    assertThat(copied(copy)).isEqualTo(copy.out());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("callerExclusions")
  void dropsTheCallersExactNamesAndPrefixes(Copy copy) {
    assertThat(copied(copy)).isEqualTo(copy.out());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kept")
  void keepsEndToEndHeadersWithEveryValueInOrder(Copy copy) {
    assertThat(copied(copy)).isEqualTo(copy.out());
  }

  @Test
  void addsToWhatTheTargetAlreadyHoldsAndLeavesTheSourceAlone() {
    MultiMap from = headers(List.of("Accept: */*", "Connection: X-Foo", "X-Foo: 1", "Vary: Accept"));
    MultiMap to = headers(List.of("X-Request-Id: r1", "Vary: Origin"));

    HopByHopHeaders.copy(from, to, Set.of());

    assertThat(lines(to)).containsExactly("X-Request-Id: r1", "Vary: Origin", "Accept: */*", "Vary: Accept");
    assertThat(lines(from)).containsExactly("Accept: */*", "Connection: X-Foo", "X-Foo: 1", "Vary: Accept");
  }

  private static List<String> copied(Copy copy) {
    MultiMap to = MultiMap.caseInsensitiveMultiMap();
    HopByHopHeaders.copy(headers(copy.in()), to, copy.also());
    return lines(to);
  }

  private static MultiMap headers(List<String> lines) {
    MultiMap map = MultiMap.caseInsensitiveMultiMap();
    for (String line : lines) {
      String[] parts = line.split(": ", 2);
      map.add(parts[0], parts[1]);
    }
    return map;
  }

  private static List<String> lines(MultiMap map) {
    return map.entries().stream().map(e -> e.getKey() + ": " + e.getValue()).collect(Collectors.toList());
  }

  /** The header alone, then with an end-to-end neighbour that must survive. */
  private static Arguments dropped(String header) {
    return row(header, List.of("Accept: */*", header, "X-Keep: 1"), Set.of(), List.of("Accept: */*", "X-Keep: 1"));
  }

  private static Arguments row(String name, List<String> in, Set<String> also, List<String> out) {
    return Arguments.of(Named.of(name, new Copy(in, also, out)));
  }
}
