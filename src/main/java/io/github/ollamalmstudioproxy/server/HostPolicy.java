package io.github.ollamalmstudioproxy.server;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Which {@code Host} names a request may carry: the defence against DNS rebinding that Ollama has had since
 * CVE-2024-28224 ({@code allowedHostsMiddleware}), with the same rules.
 *
 * <p>A web page on {@code rebind.evil.example} can make its name resolve to 127.0.0.1 and then call the proxy as a
 * same-origin page, with {@code Host: rebind.evil.example} and a matching {@code Origin}, so CORS does not stop it.
 * On a loopback listener only local names are accepted: {@code localhost}, {@code *.localhost}, {@code *.local},
 * {@code *.internal}, the machine's own host name, IP literals that are loopback, private, unspecified or one of the
 * machine's own addresses, and the configured extras ({@code --allowed-hosts}, {@code *} wildcards; a lone {@code *}
 * accepts every name). A request without a Host header (HTTP/1.0) passes, as in Ollama. A listener on another
 * address accepts every name: it is reached over the network on purpose, and {@code --api-key} guards it.
 *
 * <p>Nothing here resolves a name: an IP literal is parsed, a name is compared.
 */
final class HostPolicy {
  private static final List<String> LOCAL_SUFFIXES = List.of(".localhost", ".local", ".internal");
  /** RFC 3986 reg-name characters and IPv4 digits, then an optional port. */
  private static final Pattern NAME_AND_PORT = Pattern.compile("[A-Za-z0-9._~!$&'()*+,;=%-]*(:[0-9]*)?");
  private static final Pattern IPV6_AND_PORT = Pattern.compile("\\[[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*](:[0-9]*)?");
  private static final Pattern IPV4 = Pattern.compile("(0|[1-9][0-9]{0,2})(\\.(0|[1-9][0-9]{0,2})){3}");

  private final boolean checked;
  private final boolean any;
  private final List<Pattern> extras;
  private final String hostName;

  private HostPolicy(boolean checked, List<String> extraHosts, String hostName) {
    this.checked = checked;
    this.any = extraHosts.contains("*");
    this.extras = extraHosts.stream().filter(h -> !h.equals("*")).map(HostPolicy::toPattern).toList();
    this.hostName = hostName == null ? null : hostName.toLowerCase(Locale.ROOT);
  }

  /**
   * The policy for a listener: checked only when it is a loopback address.
   *
   * @param extraHosts {@code --allowed-hosts}: names or patterns with {@code *}, compared without the port
   */
  static HostPolicy forListener(boolean loopbackListener, List<String> extraHosts) {
    return new HostPolicy(loopbackListener, extraHosts, loopbackListener ? machineHostName() : null);
  }

  /** For tests: a checked policy with a given machine name. */
  static HostPolicy checked(List<String> extraHosts, String machineHostName) {
    return new HostPolicy(true, extraHosts, machineHostName);
  }

  /** True when a Host header value is well formed: a name or an IPv4 address or a bracketed IPv6 one, and a port. */
  static boolean wellFormed(String hostHeader) {
    return NAME_AND_PORT.matcher(hostHeader).matches() || IPV6_AND_PORT.matcher(hostHeader).matches();
  }

  /** The host part of a well-formed Host header: lower case, without the port, brackets or a final dot. */
  static String hostPart(String hostHeader) {
    String host;
    if (hostHeader.startsWith("[")) {
      host = hostHeader.substring(1, hostHeader.indexOf(']'));
    } else {
      int colon = hostHeader.indexOf(':');
      host = colon < 0 ? hostHeader : hostHeader.substring(0, colon);
    }
    host = host.toLowerCase(Locale.ROOT);
    return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
  }

  /** Whether a request with this (well-formed) Host header may pass; null means the request had none. */
  boolean allows(String hostHeader) {
    if (!checked || any || hostHeader == null) {
      return true;
    }
    String host = hostPart(hostHeader);
    if (host.isEmpty() || host.equals("localhost") || host.equals(hostName)) {
      return true;
    }
    for (String suffix : LOCAL_SUFFIXES) {
      if (host.endsWith(suffix)) {
        return true;
      }
    }
    for (Pattern extra : extras) {
      if (extra.matcher(host).matches()) {
        return true;
      }
    }
    InetAddress ip = ipLiteral(host);
    return ip != null && (ip.isLoopbackAddress() || isPrivate(ip) || ip.isAnyLocalAddress() || isOwnAddress(ip));
  }

  /** An IP address written as one, or null for a name; never a DNS lookup. */
  private static InetAddress ipLiteral(String host) {
    boolean v4 = IPV4.matcher(host).matches();
    boolean v6 = host.indexOf(':') >= 0
        && host.chars().allMatch(c -> c == ':' || c == '.' || Character.digit(c, 16) >= 0);
    if (v4) {
      for (String octet : host.split("\\.")) {
        if (Integer.parseInt(octet) > 255) {
          return null;
        }
      }
    }
    if (!v4 && !v6) {
      return null;
    }
    try {
      // A literal of only digits, dots, hex digits and colons is parsed, not resolved.
      return InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /** Go's {@code netip.Addr.IsPrivate}: 10/8, 172.16/12, 192.168/16 and fc00::/7. */
  private static boolean isPrivate(InetAddress ip) {
    byte[] a = ip.getAddress();
    if (ip instanceof Inet4Address) {
      int b0 = a[0] & 0xff;
      int b1 = a[1] & 0xff;
      return b0 == 10 || (b0 == 172 && (b1 & 0xf0) == 16) || (b0 == 192 && b1 == 168);
    }
    return ip instanceof Inet6Address && (a[0] & 0xfe) == 0xfc;
  }

  /** One of this machine's interface addresses (looked up only for literals the cheaper rules did not settle). */
  private static boolean isOwnAddress(InetAddress ip) {
    try {
      Enumeration<NetworkInterface> interfaces = NetworkInterface.getNetworkInterfaces();
      while (interfaces != null && interfaces.hasMoreElements()) {
        Enumeration<InetAddress> addresses = interfaces.nextElement().getInetAddresses();
        while (addresses.hasMoreElements()) {
          if (Arrays.equals(addresses.nextElement().getAddress(), ip.getAddress())) {
            return true;
          }
        }
      }
    } catch (SocketException e) {
      return false;
    }
    return false;
  }

  /**
   * This machine's host name as {@code hostname} prints it (Go's {@code os.Hostname}), read without a DNS lookup
   * where the system allows; null when it cannot be told.
   */
  static String machineHostName() {
    try {
      Path kernel = Path.of("/proc/sys/kernel/hostname");
      if (Files.isReadable(kernel)) {
        String name = Files.readString(kernel, StandardCharsets.US_ASCII).trim();
        if (!name.isEmpty()) {
          return name;
        }
      }
    } catch (IOException | RuntimeException e) {
      // Fall back below.
    }
    for (String variable : List.of("COMPUTERNAME", "HOSTNAME")) {
      String name = System.getenv(variable);
      if (name != null && !name.isBlank()) {
        return name.trim();
      }
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private static Pattern toPattern(String host) {
    String[] parts = host.trim().toLowerCase(Locale.ROOT).split("\\*", -1);
    return Pattern.compile(Arrays.stream(parts).map(Pattern::quote).collect(Collectors.joining(".*")));
  }
}
