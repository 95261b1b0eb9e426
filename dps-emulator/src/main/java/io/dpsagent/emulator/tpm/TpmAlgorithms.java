package io.dpsagent.emulator.tpm;

/** The TPM_ALG_ID values the emulator reads and writes (TPM 2.0 Part 2, table 9). */
final class TpmAlgorithms {

  static final int RSA = 0x0001;
  static final int KEYEDHASH = 0x0008;
  static final int SHA256 = 0x000B;
  static final int HMAC = 0x0005;
  static final int AES = 0x0006;
  static final int NULL = 0x0010;
  static final int CFB = 0x0043;

  private TpmAlgorithms() {}
}
