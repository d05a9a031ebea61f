package io.github.ollamalmstudioproxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestIdsTest {
  @Test
  void freshIdsAreSixteenLowerCaseHexDigitsLikeStringFormat() {
    for (long bits : new long[] {0L, 1L, -1L, 0xabcdefL, Long.MIN_VALUE, Long.MAX_VALUE, 0x0123456789abcdefL}) {
      assertThat(RequestIds.hex16(bits)).isEqualTo(String.format("%016x", bits));
    }
  }

  @Test
  void aSaneClientIdIsKeptAndAnInsaneOneReplaced() {
    assertThat(RequestIds.from("abc-123")).isEqualTo("abc-123");
    assertThat(RequestIds.from("bad id")).matches("[0-9a-f]{16}");
    assertThat(RequestIds.from(null)).matches("[0-9a-f]{16}");
  }
}
