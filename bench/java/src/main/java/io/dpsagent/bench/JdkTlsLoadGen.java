package io.dpsagent.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * The load generator {@link LoadGen} replaced, kept to measure against: the same devices and
 * exchanges on {@code HttpsURLConnection}, one thread per in-flight device, the JDK's TLS (whose
 * Java EC code costs about twice the emulator's CPU per handshake, so it bounds the measurement).
 *
 * <p>Usage: {@code JdkTlsLoadGen new|keepalive ENDPOINT ID_SCOPE GROUP_KEY_FILE CA_FILE DEVICES
 * WORKERS MAX_SECONDS}. {@code new}: each device opens its own TLS connection with an empty session
 * cache (a full handshake, as a device that just booted); {@code keepalive}: each worker keeps one
 * connection for all its devices. Prints {@code registrations=N seconds=S per_second=R failures=F}.
 */
public final class JdkTlsLoadGen {
  private static final Pattern OPERATION_ID =
      Pattern.compile("\"operationId\"\\s*:\\s*\"([^\"]+)\"");
  private static final String API = "?api-version=2021-06-01";

  private final boolean newConnectionPerDevice;
  private final URI endpoint;
  private final String idScope;
  private final byte[] groupKey;
  private final TrustManager[] trust;
  private final SSLSocketFactory sharedFactory;
  private final AtomicInteger failures = new AtomicInteger();

  private JdkTlsLoadGen(String[] args) throws Exception {
    newConnectionPerDevice = args[0].equals("new");
    endpoint = URI.create(args[1]);
    idScope = args[2];
    groupKey = Base64.getDecoder().decode(Files.readString(Path.of(args[3])).trim());
    trust = Trust.trustManagers(Path.of(args[4]));
    sharedFactory = Trust.sslContext(trust).getSocketFactory();
  }

  public static void main(String[] args) throws Exception {
    int devices = Integer.parseInt(args[5]);
    int workers = Integer.parseInt(args[6]);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(args[7]));
    System.setProperty("http.maxConnections", String.valueOf(workers));
    JdkTlsLoadGen load = new JdkTlsLoadGen(args);
    String run = Long.toString(System.nanoTime(), 36);
    // Warm-up: the JIT of both sides, outside the measured window.
    load.runBatch("warm-" + run, Math.min(devices / 5, 400), workers, deadline);
    long start = System.nanoTime();
    int done = load.runBatch("dev-" + run, devices, workers, deadline);
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(
        "registrations=%d seconds=%.2f per_second=%.0f failures=%d%n",
        done, seconds, done / seconds, load.failures.get());
  }

  private int runBatch(String prefix, int devices, int workers, long deadline)
      throws InterruptedException {
    AtomicInteger next = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    for (int w = 0; w < workers; w++) {
      pool.execute(
          () -> {
            for (int i; (i = next.getAndIncrement()) < devices && System.nanoTime() < deadline; ) {
              if (register(prefix + "-" + i)) {
                done.incrementAndGet();
              } else {
                failures.incrementAndGet();
              }
            }
          });
    }
    pool.shutdown();
    pool.awaitTermination(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    pool.shutdownNow();
    return done.get();
  }

  private boolean register(String registrationId) {
    try {
      SSLSocketFactory factory =
          newConnectionPerDevice ? Trust.sslContext(trust).getSocketFactory() : sharedFactory;
      String auth = sas(registrationId);
      String base = endpoint + "/" + idScope + "/registrations/" + registrationId;
      String reply =
          exchange(
              factory,
              "PUT",
              base + "/register" + API,
              auth,
              "{\"registrationId\":\"" + registrationId + "\"}");
      for (int poll = 0; poll < 20 && reply.contains("\"assigning\""); poll++) {
        Matcher m = OPERATION_ID.matcher(reply);
        if (!m.find()) {
          return false;
        }
        reply = exchange(factory, "GET", base + "/operations/" + m.group(1) + API, auth, null);
      }
      return reply.contains("\"assigned\"");
    } catch (IOException | java.security.GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  private static String exchange(
      SSLSocketFactory factory, String method, String url, String auth, String body)
      throws IOException {
    HttpsURLConnection c = (HttpsURLConnection) URI.create(url).toURL().openConnection();
    c.setSSLSocketFactory(factory);
    c.setRequestMethod(method);
    c.setConnectTimeout(10_000);
    c.setReadTimeout(10_000);
    c.setRequestProperty("Authorization", auth);
    c.setRequestProperty("Accept", "application/json");
    if (body != null) {
      c.setDoOutput(true);
      c.setRequestProperty("Content-Type", "application/json; charset=utf-8");
      try (OutputStream out = c.getOutputStream()) {
        out.write(body.getBytes(StandardCharsets.UTF_8));
      }
    }
    int status = c.getResponseCode();
    try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
      String text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return status < 300 ? text : "";
    }
  }

  private String sas(String registrationId) {
    return DeviceSas.token(
        groupKey, idScope, registrationId, System.currentTimeMillis() / 1000 + 3600);
  }
}
