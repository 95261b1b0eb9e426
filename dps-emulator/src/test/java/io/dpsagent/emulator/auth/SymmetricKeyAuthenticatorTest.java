package io.dpsagent.emulator.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dpsagent.emulator.TestTokens;
import io.dpsagent.emulator.registry.Enrollment;
import io.dpsagent.emulator.registry.EnrollmentGroup;
import io.dpsagent.emulator.registry.IndividualEnrollment;
import io.dpsagent.emulator.registry.Registry;
import io.dpsagent.emulator.registry.SymmetricKeyMechanism;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SymmetricKeyAuthenticatorTest {

  private static final String SCOPE = "0ne00ABCDEF";
  private static final long EXPIRY = 1767225600L;
  private static final Instant BEFORE_EXPIRY = Instant.ofEpochSecond(EXPIRY - 60);
  private static final String VECTOR_TOKEN =
      "SharedAccessSignature sr=0ne00ABCDEF%2fregistrations%2fmy-device-01"
          + "&sig=yjEPgQnZ%2Bq6H2ooilwfMPTiRUCepkcPIPlE%2BMxi607Q%3D"
          + "&se=1767225600&skn=registration";

  private final Registry registry = new Registry(SCOPE, List.of());
  private final SymmetricKeyAuthenticator authenticator =
      new SymmetricKeyAuthenticator(registry, Duration.ofSeconds(5));

  @Test
  void individualEnrollmentAuthenticatesWithVectorToken() throws Exception {
    IndividualEnrollment enrollment =
        IndividualEnrollment.symmetricKey("my-device-01", TestTokens.VECTOR_KEY);
    registry.addIndividualEnrollment(enrollment);

    assertSame(enrollment, authenticate("my-device-01", VECTOR_TOKEN, BEFORE_EXPIRY));
  }

  @Test
  void secondaryKeyIsAccepted() throws Exception {
    registry.addIndividualEnrollment(
        IndividualEnrollment.symmetricKey(
            "my-device-01", TestTokens.OTHER_KEY, TestTokens.VECTOR_KEY));

    authenticate("my-device-01", VECTOR_TOKEN, BEFORE_EXPIRY);
  }

  @Test
  void wrongKeyIsRejected() {
    registry.addIndividualEnrollment(
        IndividualEnrollment.symmetricKey("my-device-01", TestTokens.OTHER_KEY));

    assertRejected("my-device-01", VECTOR_TOKEN, BEFORE_EXPIRY);
  }

  @Test
  void expiryAllowsTheConfiguredSkewAndNoMore() throws Exception {
    registry.addIndividualEnrollment(
        IndividualEnrollment.symmetricKey("my-device-01", TestTokens.VECTOR_KEY));

    authenticate("my-device-01", VECTOR_TOKEN, Instant.ofEpochSecond(EXPIRY + 5));
    assertRejected("my-device-01", VECTOR_TOKEN, Instant.ofEpochSecond(EXPIRY + 6));
  }

  @Test
  void tokenForAnotherRegistrationOrScopeIsRejected() {
    registry.addIndividualEnrollment(
        IndividualEnrollment.symmetricKey("other", TestTokens.VECTOR_KEY));
    String otherScope = TestTokens.token(TestTokens.VECTOR_KEY, "0ne00000000", "other", EXPIRY);

    assertRejected("other", VECTOR_TOKEN, BEFORE_EXPIRY);
    assertRejected("other", otherScope, BEFORE_EXPIRY);
  }

  @Test
  void keyNameMustBeRegistrationEmptyOrAbsent() throws Exception {
    registry.addIndividualEnrollment(
        IndividualEnrollment.symmetricKey("my-device-01", TestTokens.VECTOR_KEY));
    String withoutKeyName = VECTOR_TOKEN.replace("&skn=registration", "");

    authenticate("my-device-01", withoutKeyName, BEFORE_EXPIRY);
    authenticate("my-device-01", withoutKeyName + "&skn=", BEFORE_EXPIRY);
    assertRejected("my-device-01", withoutKeyName + "&skn=iothubowner", BEFORE_EXPIRY);
  }

  @Test
  void lowerCasedResourceAsTheIdentityServiceSignsIt() throws Exception {
    registry.addIndividualEnrollment(
        IndividualEnrollment.symmetricKey("Gw-0042", TestTokens.VECTOR_KEY));
    String sr = "0ne00abcdef/registrations/gw-0042";
    String token =
        "SharedAccessSignature sr="
            + sr
            + "&sig="
            + urlSafe(TestTokens.signature(TestTokens.VECTOR_KEY, sr, EXPIRY))
            + "&se="
            + EXPIRY
            + "&skn=registration";

    authenticate("Gw-0042", token, BEFORE_EXPIRY);
  }

  @Test
  void groupDeviceAuthenticatesWithDerivedKeyOnly() throws Exception {
    EnrollmentGroup group = EnrollmentGroup.symmetricKey("line-3", TestTokens.VECTOR_GROUP_KEY);
    registry.addEnrollmentGroup(EnrollmentGroup.symmetricKey("unrelated", TestTokens.OTHER_KEY));
    registry.addEnrollmentGroup(group);
    String derived = TestTokens.deriveDeviceKey(TestTokens.VECTOR_GROUP_KEY, "sensor-7");

    assertSame(
        group,
        authenticate(
            "sensor-7", TestTokens.token(derived, SCOPE, "sensor-7", EXPIRY), BEFORE_EXPIRY));
    assertRejected(
        "sensor-7",
        TestTokens.token(TestTokens.VECTOR_GROUP_KEY, SCOPE, "sensor-7", EXPIRY),
        BEFORE_EXPIRY);
  }

  @Test
  void individualEnrollmentTakesPrecedenceOverGroups() {
    registry.addEnrollmentGroup(
        EnrollmentGroup.symmetricKey("line-3", TestTokens.VECTOR_GROUP_KEY));
    registry.addIndividualEnrollment(
        IndividualEnrollment.symmetricKey("sensor-7", TestTokens.OTHER_KEY));
    String derived = TestTokens.deriveDeviceKey(TestTokens.VECTOR_GROUP_KEY, "sensor-7");

    assertRejected("sensor-7", TestTokens.token(derived, SCOPE, "sensor-7", EXPIRY), BEFORE_EXPIRY);
  }

  @Test
  void groupDerivationMatchesVector() {
    SymmetricKeyMechanism group = SymmetricKeyMechanism.ofBase64(TestTokens.VECTOR_GROUP_KEY, null);

    assertEquals(
        "bf2Swwo3vkLIGksxx8gesUTRM/BeVGtLjHRYev98Q+s=",
        group.deriveForDevice("my-device-01").keys().get(0).toBase64());
  }

  @Test
  void missingOrGarbledAuthorizationIsRejectedWithoutEchoingIt() {
    registry.addIndividualEnrollment(
        IndividualEnrollment.symmetricKey("my-device-01", TestTokens.VECTOR_KEY));

    assertThrows(
        AuthenticationException.class,
        () -> authenticator.authenticate(SCOPE, "my-device-01", Optional.empty(), BEFORE_EXPIRY));
    AuthenticationException garbled =
        assertThrows(
            AuthenticationException.class,
            () ->
                authenticator.authenticate(
                    SCOPE,
                    "my-device-01",
                    Optional.of("SharedAccessSignature sig=secretish"),
                    BEFORE_EXPIRY));
    assertFalse(garbled.getMessage().contains("secretish"));
  }

  private Enrollment authenticate(String registrationId, String token, Instant now)
      throws AuthenticationException {
    return authenticator.authenticate(SCOPE, registrationId, Optional.of(token), now);
  }

  private void assertRejected(String registrationId, String token, Instant now) {
    assertThrows(
        AuthenticationException.class,
        () -> authenticator.authenticate(SCOPE, registrationId, Optional.of(token), now));
  }

  private static String urlSafe(String base64) {
    return base64.replace("+", "%2B").replace("/", "%2F").replace("=", "%3D");
  }
}
