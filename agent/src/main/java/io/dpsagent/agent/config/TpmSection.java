package io.dpsagent.agent.config;

import io.dpsagent.hsm.tpm.TctiSpec;
import io.dpsagent.hsm.tpm.TpmSettings;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** {@code [tpm]}: how to reach the TPM and the authorizations the agent uses in it. */
final class TpmSection {

  private TpmSection() {}

  static TpmConfig bind(Section s) throws InvalidConfigException {
    TctiSpec tcti;
    try {
      tcti = TctiSpec.parse(s.string("tcti").orElse(""));
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(
          s.keyName("tcti"),
          e.getMessage()
              + "; use e.g. \"device:/dev/tpmrm0\" or \"swtpm:host=127.0.0.1,port=2321\"");
    }
    TpmSettings settings = TpmSettings.defaults();
    Optional<Long> index = s.integer("auth_key_index", 0, 0x7FFFFF);
    if (index.isPresent()) {
      try {
        settings = settings.withAuthKeyIndex(index.get().intValue());
      } catch (IllegalArgumentException e) {
        // The identity key's handle (0x81000000 + index) may not be the EK's or the SRK's.
        throw new InvalidConfigException(
            s.keyName("auth_key_index"),
            e.getMessage()
                + "; choose another index (the default, 0x100, puts the key at 0x81000100)");
      }
    }
    Optional<Section> auth = s.table("hierarchy_authorization");
    if (auth.isPresent()) {
      Optional<String> endorsement = auth.get().string("endorsement");
      Optional<String> owner = auth.get().string("owner");
      auth.get().rejectUnknownKeys();
      if (endorsement.isPresent()) {
        settings = settings.withEndorsementAuth(endorsement.get().getBytes(StandardCharsets.UTF_8));
      }
      if (owner.isPresent()) {
        settings = settings.withOwnerAuth(owner.get().getBytes(StandardCharsets.UTF_8));
      }
    }
    s.rejectUnknownKeys();
    return new TpmConfig(tcti, settings);
  }
}
