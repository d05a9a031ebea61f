package io.github.ollamalmstudioproxy.translate;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Formats {@code created_at} as Go's RFC 3339 with nanoseconds, trailing zeros trimmed
 * ({@code 2025-10-17T23:14:07.414671Z}), into a reused buffer: this runs once per streamed token.
 */
final class CreatedAt {
  private static final int PREFIX = 19; // yyyy-MM-ddTHH:mm:ss

  final char[] chars = new char[PREFIX + 11];
  private long second = Long.MIN_VALUE;

  /** Formats {@code t} into {@link #chars}; returns the length. */
  int format(Instant t) {
    if (t.getEpochSecond() != second) {
      second = t.getEpochSecond();
      LocalDateTime d = LocalDateTime.ofEpochSecond(second, 0, ZoneOffset.UTC);
      digits(0, 4, d.getYear());
      chars[4] = '-';
      digits(5, 2, d.getMonthValue());
      chars[7] = '-';
      digits(8, 2, d.getDayOfMonth());
      chars[10] = 'T';
      digits(11, 2, d.getHour());
      chars[13] = ':';
      digits(14, 2, d.getMinute());
      chars[16] = ':';
      digits(17, 2, d.getSecond());
    }
    int nanos = t.getNano();
    int len = PREFIX;
    if (nanos != 0) {
      int width = 9;
      while (nanos % 10 == 0) {
        nanos /= 10;
        width--;
      }
      chars[len++] = '.';
      digits(len, width, nanos);
      len += width;
    }
    chars[len++] = 'Z';
    return len;
  }

  private void digits(int at, int width, int value) {
    for (int i = at + width - 1; i >= at; i--) {
      chars[i] = (char) ('0' + value % 10);
      value /= 10;
    }
  }
}
