package io.dpsagent.emulator;

import io.dpsagent.emulator.config.EmulatorConfig;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;

/**
 * One running emulator per test class, with a device and a service client for it: started before
 * the first test from {@link #config()}, faults cleared before each test, closed after the last.
 * Tests of one class share its registry, so each uses registration IDs of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class EmulatorFixture {

  protected DpsEmulator emulator;
  protected DeviceClient device;
  protected ServiceClient service;
  protected String scope;

  /** The emulator's config; by default {@link EmulatorConfig#defaults()}. */
  protected EmulatorConfig config() {
    return EmulatorConfig.defaults();
  }

  @BeforeAll
  final void startEmulator() throws IOException {
    emulator = DpsEmulator.start(config());
    device = new DeviceClient(emulator);
    service = new ServiceClient(emulator);
    scope = emulator.idScope();
  }

  @AfterAll
  final void stopEmulator() {
    emulator.close();
  }

  @BeforeEach
  final void clearFaults() {
    emulator.faults().clear();
  }

  /** Enrolls {@code registrationId} with {@link TestTokens#VECTOR_KEY}; returns its SAS token. */
  protected String enrollWithVectorKey(String registrationId) {
    emulator
        .registry()
        .addIndividualEnrollment(
            IndividualEnrollment.symmetricKey(registrationId, TestTokens.VECTOR_KEY));
    return TestTokens.token(TestTokens.VECTOR_KEY, scope, registrationId);
  }
}
