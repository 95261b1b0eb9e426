package io.dpsagent.hsm.tpm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class RegistrationIdsTest {

  /**
   * An RSA EK made by tpm2_createek on swtpm and read back with tpm2_readpublic -o (316 bytes); the
   * expected ID was computed separately with Python's hashlib and base64.b32encode.
   */
  private static final String EK_TPM2B_PUBLIC =
      "013a0001000b000300b20020837197674484b3f81a90cc8d46"
          + "a5d724fd52d76e06520b64f2a1da1b331469aa00060080004300100800000000000100b5744b80ce0c3af564"
          + "727ab97008cf65f5cc2f0839b6cf3d32ef244498362159332ffa643e787358a67043273b090f4ef677c66517"
          + "ac0f5253489d85c3d4186913ec00740aa2b95f6200516e76b19e0706a3c1823f63a2a44c122992516fbe7b2a"
          + "d9d111d9453afab4162beebfcc1b02740cf1dfa50fd0a3141c74ae5fdf48815f902b44c2b8d4bf21f5e72e73"
          + "15d3d5dec37d08d1c36a2ef072e9e89b5e72f2d1f0d1ddb66453f3257939a79ecb3d9713cc6cff09f1fdd274"
          + "fa7984cfd8a3679911d1df9913c4cf3b732e14c557b28b77bd175ba01a1da39e838ac0b3decaf7e3d8576c94"
          + "a8f69ffd566858b485fb5036f32ee6cab372a80ae985a10dbbf4b3";

  @Test
  void registrationIdIsLowerBase32OfSha256OfTheEkWithoutPadding() {
    byte[] ek = HexFormat.of().parseHex(EK_TPM2B_PUBLIC);
    assertEquals(316, ek.length);
    assertEquals(
        "3xc6bei3wrednvakle7s32clen7qxkocndh2o5z5zcxqa5aorsaa",
        RegistrationIds.fromEndorsementKey(ek));
  }

  @Test
  void base32MatchesRfc4648VectorsInLowerCaseWithoutPadding() {
    String[][] vectors = {
      {"", ""},
      {"f", "my"},
      {"fo", "mzxq"},
      {"foo", "mzxw6"},
      {"foob", "mzxw6yq"},
      {"fooba", "mzxw6ytb"},
      {"foobar", "mzxw6ytboi"}
    };
    for (String[] v : vectors) {
      assertEquals(v[1], RegistrationIds.base32(v[0].getBytes(StandardCharsets.US_ASCII)), v[0]);
    }
  }
}
