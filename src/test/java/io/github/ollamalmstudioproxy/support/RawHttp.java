package io.github.ollamalmstudioproxy.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

/**
 * A plain-socket HTTP/1.1 client for what library clients hide: paths sent exactly as written, and hanging up at a
 * chosen moment.
 */
public final class RawHttp implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final StringBuilder received = new StringBuilder();

  private RawHttp(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
  }

  public static RawHttp connect(int port) {
    try {
      Socket socket = new Socket();
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      socket.setSoTimeout(10_000);
      return new RawHttp(socket);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Sends a request with a JSON body (or none) and {@code Connection: close}. */
  public RawHttp send(String method, String path, String body, String... extraHeaders) {
    byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    String head = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        + String.join("", Arrays.stream(extraHeaders).map(h -> h + "\r\n").toList())
        + (body == null ? "" : "Content-Type: application/json\r\nContent-Length: " + bytes.length + "\r\n") + "\r\n";
    try {
      OutputStream out = socket.getOutputStream();
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      out.write(bytes);
      out.flush();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return this;
  }

  /** Sends bytes exactly as given, for malformed or hand-framed requests. */
  public RawHttp sendRaw(String request) {
    try {
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (IOException e) {
      // The server may close early (e.g. after a 413); what it answered is still readable.
    }
    return this;
  }

  /** Reads until {@code marker} has been received; returns everything received so far. */
  public String readUntil(String marker) {
    byte[] buffer = new byte[8192];
    try {
      while (received.indexOf(marker) < 0) {
        int n = in.read(buffer);
        if (n < 0) {
          throw new IllegalStateException("connection closed before '" + marker + "'; got: " + received);
        }
        received.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return received.toString();
  }

  /** Reads at least {@code bytes} bytes (fewer if the server closes first). */
  public String readSome(int bytes) {
    byte[] buffer = new byte[8192];
    try {
      while (received.length() < bytes) {
        int n = in.read(buffer);
        if (n < 0) {
          break;
        }
        received.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return received.toString();
  }

  /** Reads the whole response until the server closes. */
  public String readAll() {
    byte[] buffer = new byte[8192];
    try {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        received.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return received.toString();
  }

  /**
   * Waits up to {@code within} for the server to close the connection (a FIN or a reset), keeping what it sent before;
   * true when it closed in time, false when the connection was still open.
   */
  public boolean closedByServerWithin(Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    byte[] buffer = new byte[8192];
    try {
      while (true) {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
          return false;
        }
        socket.setSoTimeout((int) Math.max(1, left));
        int n = in.read(buffer);
        if (n < 0) {
          return true;
        }
        received.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
      }
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    } finally {
      try {
        socket.setSoTimeout(10_000);
      } catch (IOException ignored) {
        // Closed: nothing more to read anyway.
      }
    }
  }

  /** Everything received so far. */
  public String received() {
    return received.toString();
  }

  /** Hangs up (FIN) and returns System.nanoTime() just before the close. */
  public long hangUp() {
    long now = System.nanoTime();
    close();
    return now;
  }

  /** Hangs up with a reset (RST) instead of a FIN, as a killed client or a proxy in between does. */
  public void abort() {
    try {
      socket.setSoLinger(true, 0);
    } catch (IOException ignored) {
      // Closed already.
    }
    close();
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // Nothing left to release.
    }
  }
}
