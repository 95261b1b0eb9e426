package io.dpsagent.agent.check;

import io.dpsagent.agent.AgentException;
import io.dpsagent.agent.config.AgentConfig;
import io.dpsagent.agent.config.TpmAttestation;
import io.dpsagent.hsm.tpm.TctiSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code groups}: the service user is in the groups it needs: the group of the TPM device when the
 * device's mode lets only that group in (tss, on most distributions), and {@code
 * output.token_group}, which the daemon gives the hub token file to.
 */
final class GroupsCheck extends NamedCheck {

  static final String ID = "groups";

  private final AgentConfig config;
  private final ServiceUser user;
  private final UserDatabase users;

  GroupsCheck(AgentConfig config, ServiceUser user, UserDatabase users) {
    super(ID, List.of(ServiceUserCheck.ID));
    this.config = config;
    this.user = user;
    this.users = users;
  }

  @Override
  public Verdict run() {
    if (user.isRoot()) {
      return Verdict.ok(user.name() + " needs no group: root may use every device and file");
    }
    List<String> held = new ArrayList<>();
    try {
      Optional<Verdict> device = tpmDevice(held);
      if (device.isPresent()) {
        return device.get();
      }
    } catch (IOException e) {
      return Verdict.error(
          AgentException.Kind.CONFIG,
          "cannot inspect the TPM device: " + e.getClass().getSimpleName(),
          "check the permissions of " + config.tpm().tcti().path());
    }
    Optional<String> tokenGroup = config.output().tokenGroup();
    if (tokenGroup.isPresent()) {
      String group = tokenGroup.get();
      Optional<Integer> gid = users.groupId(group);
      if (gid.isEmpty()) {
        return Verdict.error(
            AgentException.Kind.CONFIG,
            "group " + group + " (output.token_group) does not exist",
            "create it (groupadd " + group + ") or correct output.token_group");
      }
      if (!user.inGroup(gid.get())) {
        return missing(group, "output.token_group: the daemon gives it the hub token file");
      }
      held.add(group + " (output.token_group)");
    }
    return Verdict.ok(
        held.isEmpty()
            ? user.name() + " needs no extra group"
            : user.name() + " is in " + String.join(", ", held));
  }

  /** A TPM device that only its group may open needs the user in that group. */
  private Optional<Verdict> tpmDevice(List<String> held) throws IOException {
    if (!(config.provisioning().attestation() instanceof TpmAttestation)
        || config.tpm().tcti().kind() != TctiSpec.Kind.DEVICE) {
      return Optional.empty();
    }
    Path device = Path.of(config.tpm().tcti().path());
    if (!Files.exists(device)) {
      return Optional.empty(); // the tpm check reports it
    }
    FileAccess.Owner owner = FileAccess.owner(device);
    int rw = FileAccess.READ | FileAccess.WRITE;
    if (FileAccess.allows(user, device, rw)) {
      if (user.inGroup(owner.gid()) && owner.uid() != user.uid()) {
        held.add(users.groupName(owner.gid()) + " (" + device + ")");
      }
      return Optional.empty();
    }
    if ((owner.mode() >> 3 & rw) == rw) {
      return Optional.of(
          missing(users.groupName(owner.gid()), device + " is read-write for that group only"));
    }
    return Optional.of(
        Verdict.error(
            AgentException.Kind.HSM,
            user.name()
                + " cannot open "
                + device
                + " (mode "
                + String.format("%04o", owner.mode())
                + ")",
            "give its group read-write access with a udev rule"
                + " (tpm2-tss ships one: KERNEL==\"tpmrm[0-9]*\", GROUP=\"tss\", MODE=\"0660\") and add "
                + user.name()
                + " to that group"));
  }

  private Verdict missing(String group, String why) {
    return Verdict.error(
        AgentException.Kind.CONFIG,
        user.name() + " is not in group " + group + " (" + why + ")",
        "usermod -aG " + group + " " + user.name() + ", then restart dps-agent");
  }
}
