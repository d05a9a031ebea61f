package io.github.ollamalmstudioproxy.catalog.alias;

import static java.util.Objects.requireNonNull;

import io.github.ollamalmstudioproxy.ollama.OllamaError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The aliases of one models file: read at start, read again when the file's modification time or size changes
 * (checked at most once per {@link #RECHECK}), written atomically (a temporary file in the same directory, then a
 * rename over the old one), so a reader — this proxy or another replica sharing the file — sees the old file or the
 * new one, never half of one.
 *
 * <p>A file that breaks while the proxy runs (a hand edit with a typo) keeps the last good aliases in service and is
 * logged once; a file that cannot be written (read-only mount, permissions) fails that change with a 500 naming the
 * reason and leaves the old file as it was.
 */
public final class AliasStore {
  private static final Logger log = LoggerFactory.getLogger(AliasStore.class);
  /** Often enough that an edit or another replica's write shows within a second; rarely enough to cost nothing. */
  static final Duration RECHECK = Duration.ofSeconds(1);

  /** The last step of a write: the finished temporary file takes the target's place. */
  interface Replace {
    void replace(Path temp, Path target) throws IOException;
  }

  private static final Replace RENAME = (temp, target) -> {
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (java.nio.file.AtomicMoveNotSupportedException e) {
      // Never across file systems (the temporary file is next to the target), but some file systems lack it.
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  };

  private record Stamp(Instant modified, long size) {
    static final Stamp ABSENT = new Stamp(Instant.EPOCH, -1);
  }

  private final Path file;
  private final Clock clock;
  private final Replace replace;
  /** Held while the file is read again or written; {@link #current()} never waits for it. */
  private final ReentrantLock lock = new ReentrantLock();
  private volatile ModelAliases current;
  private volatile Stamp stamp;
  private volatile Instant checkedAt;
  private volatile String brokenReason;

  private AliasStore(Path file, Clock clock, Replace replace, ModelAliases current, Stamp stamp) {
    this.file = file;
    this.clock = clock;
    this.replace = replace;
    this.current = current;
    this.stamp = stamp;
    this.checkedAt = clock.instant();
  }

  /**
   * Reads {@code file}; a file that does not exist yet is an empty set (it is created by the first change).
   *
   * @throws IllegalArgumentException naming the file and why it cannot be used
   */
  public static AliasStore open(Path file, Clock clock) {
    return open(file, clock, RENAME);
  }

  /** With another last step, for tests of a write that fails there. */
  static AliasStore open(Path file, Clock clock, Replace replace) {
    requireNonNull(file, "file");
    Stamp stamp = stampOf(file);
    try {
      return new AliasStore(file, requireNonNull(clock, "clock"), replace, read(file, stamp), stamp);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read models file '" + file + "': " + reason(e));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid models file '" + file + "': " + e.getMessage());
    }
  }

  public Path file() {
    return file;
  }

  /**
   * The aliases now, read again first when the file changed since the last look. Called on the event loop: the look
   * is one {@code stat} a second, and while another thread writes or reads the file this answers what it has rather
   * than wait.
   */
  public ModelAliases current() {
    Instant now = clock.instant();
    if (Duration.between(checkedAt, now).compareTo(RECHECK) >= 0 && lock.tryLock()) {
      try {
        checkedAt = now;
        reloadIfChanged();
      } finally {
        lock.unlock();
      }
    }
    return current;
  }

  /**
   * Applies {@code change} to the aliases as the file holds them now and writes the result.
   *
   * @throws OllamaError 500 naming the file and the reason when it cannot be written; the old file stays intact
   */
  public ModelAliases update(UnaryOperator<ModelAliases> change) {
    lock.lock();
    try {
      reloadIfChanged();
      ModelAliases next = change.apply(current);
      if (next.equals(current) && Files.exists(file)) {
        return current;
      }
      write(AliasFile.render(next));
      current = next;
      stamp = stampOf(file);
      return next;
    } finally {
      lock.unlock();
    }
  }

  /** Only with {@link #lock} held. */
  private void reloadIfChanged() {
    Stamp now = stampOf(file);
    if (now.equals(stamp)) {
      return;
    }
    try {
      current = read(file, now);
      stamp = now;
      if (brokenReason != null) {
        log.info("models file {} is valid again", file);
      }
      brokenReason = null;
    } catch (IOException | IllegalArgumentException e) {
      String why = e instanceof IOException io ? reason(io) : e.getMessage();
      if (!Objects.equals(why, brokenReason)) {
        log.warn("models file {} cannot be used ({}); keeping the {} alias(es) read before", file, why,
            current.all().size());
      }
      brokenReason = why;
      // Not remembered as read: the next look tries again, so a fixed file is picked up.
    }
  }

  private void write(String text) {
    Path dir = file.toAbsolutePath().getParent();
    Path temp = null;
    try {
      Files.createDirectories(dir);
      temp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
      Files.writeString(temp, text, StandardCharsets.UTF_8);
      replace.replace(temp, file);
      temp = null;
    } catch (IOException e) {
      throw new OllamaError(500, "cannot write the models file " + file + ": " + reason(e)
          + "; nothing was changed");
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // The write already failed and says so; a stray temporary file is all that is left.
        }
      }
    }
  }

  private static ModelAliases read(Path file, Stamp stamp) throws IOException {
    if (stamp == Stamp.ABSENT) {
      return ModelAliases.EMPTY;
    }
    return AliasFile.parse(Files.readString(file, StandardCharsets.UTF_8));
  }

  private static Stamp stampOf(Path file) {
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      return new Stamp(a.lastModifiedTime().toInstant(), a.size());
    } catch (IOException e) {
      return Stamp.ABSENT;
    }
  }

  /** What went wrong in a few words: the file system's reason, not a Java exception name. */
  static String reason(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof NoSuchFileException n) {
      return "no such file or directory: " + n.getFile();
    }
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getReason().toLowerCase(java.util.Locale.ROOT);
    }
    return String.valueOf(e.getMessage());
  }
}
