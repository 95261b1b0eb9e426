package io.dpsagent.emulator;

import io.dpsagent.common.testing.TestPki;
import io.dpsagent.emulator.config.EmulatorConfig;
import io.dpsagent.emulator.device.Fault;
import io.dpsagent.emulator.device.FaultPlan;
import io.dpsagent.emulator.device.FaultRule;
import io.dpsagent.emulator.registry.EnrollmentGroup;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import java.io.IOException;
import java.util.Arrays;
import java.util.function.UnaryOperator;
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

  /** Installs one rule: {@code faults} (as {@link Fault#parse} reads them) in turn, then none. */
  protected void installScript(UnaryOperator<FaultRule> scope, String... faults) {
    FaultRule rule = FaultRule.scripted(Arrays.stream(faults).map(Fault::parse).toList());
    emulator.faults().install(FaultPlan.of(0, scope.apply(rule)));
  }

  /** Enrolls a device with a self-signed EC certificate whose CN is {@code registrationId}. */
  protected TestPki.Leaf enrollSelfSignedX509(String registrationId) throws Exception {
    TestPki.Leaf device = TestPki.selfSigned(registrationId, TestPki.KeyType.EC_P256);
    emulator
        .registry()
        .addIndividualEnrollment(IndividualEnrollment.x509(registrationId, device.certificate()));
    return device;
  }

  /** A CA and the intermediate its devices get their certificates from. */
  protected record X509Chain(TestPki.Issuer root, TestPki.Issuer intermediate) {}

  /**
   * Creates a CA named {@code rootName} and an intermediate under it, and enrolls a group trusting
   * the CA.
   */
  protected X509Chain enrollX509Group(String groupId, String rootName) throws Exception {
    TestPki.Issuer root = TestPki.rootCa(rootName);
    emulator.registry().addEnrollmentGroup(EnrollmentGroup.x509(groupId, root.certificate()));
    return new X509Chain(root, root.intermediate(rootName.replace("Root", "Intermediate")));
  }

  /** Enrolls {@code registrationId} with {@link TestTokens#VECTOR_KEY}; returns its SAS token. */
  protected String enrollWithVectorKey(String registrationId) {
    emulator
        .registry()
        .addIndividualEnrollment(
            IndividualEnrollment.symmetricKey(registrationId, TestTokens.VECTOR_KEY));
    return vectorKeyToken(registrationId);
  }

  /** The SAS token, valid for an hour, of {@code registrationId} holding the vector key. */
  protected String vectorKeyToken(String registrationId) {
    return TestTokens.token(TestTokens.VECTOR_KEY, scope, registrationId);
  }
}
