package io.github.ollamalmstudioproxy.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A backend on a free loopback port that answers each path with bytes written exactly as given, for what no HTTP
 * server library would send: a duplicate Content-Length, a Connection header naming the framing headers, oversized
 * headers, no HTTP at all. It reads each request head (and a body of declared length), writes the canned answer and
 * closes the connection. Closing it stops the accept loop.
 */
public final class RawBackend implements AutoCloseable {
  private final ServerSocket server;
  private final Map<String, byte[]> answers = new ConcurrentHashMap<>();
  private final List<String> heads = new CopyOnWriteArrayList<>();
  private final Thread acceptor;

  private RawBackend(ServerSocket server) {
    this.server = server;
    this.acceptor = new Thread(this::acceptLoop, "raw-backend");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public static RawBackend start() {
    try {
      return new RawBackend(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** What {@code path} (without the query) answers from now on: these bytes, then the connection is closed. */
  public RawBackend answer(String path, String rawResponse) {
    answers.put(path, rawResponse.getBytes(StandardCharsets.UTF_8));
    return this;
  }

  public URI url() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  /** Every request head received so far (request line and headers, CRLF-separated), in order. */
  public List<String> heads() {
    return heads;
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        Thread worker = new Thread(() -> serve(socket), "raw-backend-conn");
        worker.setDaemon(true);
        worker.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      socket.setSoTimeout(10_000);
      InputStream in = socket.getInputStream();
      String head = readHead(in);
      if (head == null) {
        return;
      }
      heads.add(head);
      skipBody(in, head);
      String target = head.substring(head.indexOf(' ') + 1, head.indexOf(' ', head.indexOf(' ') + 1));
      int query = target.indexOf('?');
      byte[] answer = answers.getOrDefault(query < 0 ? target : target.substring(0, query),
          "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      OutputStream out = socket.getOutputStream();
      out.write(answer);
      out.flush();
    } catch (IOException e) {
      // The proxy hung up; nothing to answer.
    }
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    int b;
    while ((b = in.read()) >= 0) {
      head.write(b);
      if ((b == '\r' && matched == 2) || (b == '\n' && (matched == 1 || matched == 3))) {
        matched++;
      } else {
        matched = b == '\r' ? 1 : 0;
      }
      if (matched == 4) {
        return head.toString(StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  private static void skipBody(InputStream in, String head) throws IOException {
    for (String line : head.split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        long left = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
        while (left > 0 && in.read() >= 0) {
          left--;
        }
      }
    }
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException ignored) {
      // Closed already.
    }
    try {
      acceptor.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
