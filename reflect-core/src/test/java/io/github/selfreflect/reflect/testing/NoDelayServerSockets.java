package io.github.selfreflect.reflect.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import javax.net.ServerSocketFactory;

/**
 * Server sockets whose accepted connections have Nagle's algorithm off ({@code TCP_NODELAY}), as
 * on real HTTP servers (nginx's {@code tcp_nodelay} is on by default, and so are the API
 * front ends of the providers).
 *
 * <p>Why the fake needs it: MockWebServer writes a reply's headers and body in separate writes.
 * With Nagle on, the body waits for the client's ACK of the headers, which the client delays by
 * about 40 ms on Linux: every reply of the fake would be 40 ms slower than its configured
 * latency, and {@code RequestBenchmark} would measure the fake instead of Reflect.
 */
final class NoDelayServerSockets extends ServerSocketFactory {

  @Override
  public ServerSocket createServerSocket() throws IOException {
    return new NoDelayServerSocket();
  }

  @Override
  public ServerSocket createServerSocket(int port) throws IOException {
    ServerSocket socket = createServerSocket();
    socket.bind(new InetSocketAddress(port));
    return socket;
  }

  @Override
  public ServerSocket createServerSocket(int port, int backlog) throws IOException {
    ServerSocket socket = createServerSocket();
    socket.bind(new InetSocketAddress(port), backlog);
    return socket;
  }

  @Override
  public ServerSocket createServerSocket(int port, int backlog, InetAddress address)
      throws IOException {
    ServerSocket socket = createServerSocket();
    socket.bind(new InetSocketAddress(address, port), backlog);
    return socket;
  }

  private static final class NoDelayServerSocket extends ServerSocket {
    NoDelayServerSocket() throws IOException {
      super();
    }

    @Override
    public Socket accept() throws IOException {
      Socket socket = super.accept();
      socket.setTcpNoDelay(true);
      return socket;
    }
  }
}
