package io.dpsagent.emulator;

import io.dpsagent.emulator.issuance.IssuingCa;
import io.dpsagent.emulator.tls.LocalCertificateAuthority;
import io.dpsagent.emulator.tls.ServerTlsIdentity;
import java.security.GeneralSecurityException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * What every start makes that depends on nothing configured: the TLS CA, the issuing CA and the
 * loaded TLS stack. Made on a thread of its own from {@link #begin()} on, so that the EC key
 * generation, the first run of the certificate code and the loading of BoringSSL's native library
 * overlap the reading of the config and the state (docs/benchmarks.md, "Emulator start-up").
 */
public final class StartupKeys {

  private final CompletableFuture<LocalCertificateAuthority> tlsCa;
  private final CompletableFuture<IssuingCa> issuingCa;

  private StartupKeys(
      CompletableFuture<LocalCertificateAuthority> tlsCa, CompletableFuture<IssuingCa> issuingCa) {
    this.tlsCa = tlsCa;
    this.issuingCa = issuingCa;
  }

  /** Starts making them. A daemon thread: a start that fails on its config does not wait for it. */
  public static StartupKeys begin() {
    ExecutorService thread =
        Executors.newSingleThreadExecutor(
            task -> {
              Thread keys = new Thread(task, "dps-emulator-keys");
              keys.setDaemon(true);
              return keys;
            });
    try {
      // In the order a start needs them: the TLS CA, then the issuing CA, then the TLS stack.
      StartupKeys keys =
          new StartupKeys(
              CompletableFuture.supplyAsync(StartupKeys::newTlsCa, thread),
              CompletableFuture.supplyAsync(IssuingCa::generate, thread));
      thread.execute(ServerTlsIdentity::loadProvider);
      return keys;
    } finally {
      thread.shutdown(); // the thread ends once the tasks are done
    }
  }

  /** The CA of the emulator's TLS servers; waits until it is made. */
  LocalCertificateAuthority tlsCa() {
    return await(tlsCa);
  }

  /** The CA that issues devices' certificates; waits until it is made. */
  IssuingCa issuingCa() {
    return await(issuingCa);
  }

  private static LocalCertificateAuthority newTlsCa() {
    try {
      return LocalCertificateAuthority.create();
    } catch (GeneralSecurityException e) {
      // EC P-256 and SHA256withECDSA are mandatory in every Java platform.
      throw new IllegalStateException("cannot generate the local CA", e);
    }
  }

  // What the thread threw, as if it had been thrown here.
  private static <T> T await(CompletableFuture<T> made) {
    try {
      return made.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException failure) {
        throw failure;
      }
      if (e.getCause() instanceof Error failure) {
        throw failure;
      }
      throw e;
    }
  }
}
