package io.dpsagent.emulator;

import static io.dpsagent.emulator.DeviceClient.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dpsagent.emulator.config.EmulatorConfig;
import io.dpsagent.emulator.device.RequestLog;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The HTTPS device listener: its endpoint, TLS versions, injected faults, request log and close.
 */
class HttpsListenerTest extends EmulatorFixture {

  @Test
  void describesItself() throws IOException {
    assertTrue(scope.matches("0ne[0-9A-F]{8}"), scope);
    assertEquals("https", emulator.httpsEndpoint().getScheme());
    assertEquals("localhost", emulator.httpsEndpoint().getHost());
    assertTrue(emulator.httpsEndpoint().getPort() > 0);
    assertTrue(Files.readString(emulator.caFile()).startsWith("-----BEGIN CERTIFICATE-----"));
  }

  @Test
  void servesTls12AndTls13() {
    for (String protocol : new String[] {"TLSv1.2", "TLSv1.3"}) {
      DeviceClient pinned = new DeviceClient(emulator.httpsEndpoint(), emulator.caFile(), protocol);
      assertError(pinned.register(scope, "tls-1", null, "{}"), 401, 401002);
    }
  }

  @Test
  void injectedThrottlingCarriesRetryAfter() {
    String token = enrollWithVectorKey("throttled-1");
    emulator.faults().failNext(1, 429, 7);

    HttpResponse<String> throttled = device.register(scope, "throttled-1", token, "{}");

    assertError(throttled, 429, 429001);
    assertEquals("7", throttled.headers().firstValue("Retry-After").orElse(""));
    assertEquals(202, device.register(scope, "throttled-1", token, "{}").statusCode());
  }

  @Test
  void droppedConnectionCutsTheResponseMidwayThenRecovers() {
    String token = enrollWithVectorKey("dropped-1");
    emulator.faults().dropNext(1);

    RuntimeException cut =
        assertThrows(
            RuntimeException.class, () -> device.register(scope, "dropped-1", token, "{}"));

    assertTrue(
        cut.getCause() instanceof java.io.IOException, "the client saw the connection go: " + cut);
    assertTrue(
        emulator
            .requestLog()
            .entries()
            .contains(
                new RequestLog.Entry("PUT", "/" + scope + "/registrations/dropped-1/register", 0)),
        "the log records the dropped request with status 0");
    assertEquals(202, device.register(scope, "dropped-1", token, "{}").statusCode());
  }

  @Test
  void requestLogCountsEveryAnsweredRequest() {
    long before = emulator.requestLog().count();

    device.register(scope, "logged-1", null, "{}");
    device.send(device.request("nothing").GET().build());

    assertEquals(before + 2, emulator.requestLog().count());
    List<RequestLog.Entry> entries = emulator.requestLog().entries();
    assertEquals(new RequestLog.Entry("GET", "/nothing", 404), entries.get(entries.size() - 1));
    assertEquals(
        new RequestLog.Entry("PUT", "/" + scope + "/registrations/logged-1/register", 401),
        entries.get(entries.size() - 2));
  }

  @Test
  void closeReleasesThePortAndThreads() throws IOException {
    long threadsBefore = eventLoopThreads();
    DpsEmulator other = DpsEmulator.start(EmulatorConfig.defaults());
    int port = other.httpsEndpoint().getPort();
    Path caFile = other.caFile();
    DeviceClient.assertError(new DeviceClient(other).register("x", "y", null, "{}"), 404, 404001);

    other.close();
    other.close();

    assertThrows(ConnectException.class, () -> connect(port));
    assertFalse(Files.exists(caFile), "temporary state is removed");
    assertEquals(threadsBefore, eventLoopThreads(), "no event loop thread left");
  }

  private long eventLoopThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(thread -> thread.getName().startsWith("dps-emulator-https"))
        .count();
  }

  private void connect(int port) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port));
    }
  }
}
