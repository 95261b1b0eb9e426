package io.dpsagent.hsm.tpm;

import io.dpsagent.hsm.HsmException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import tss.Tpm;
import tss.tpm.GetCapabilityResponse;
import tss.tpm.ReadPublicResponse;
import tss.tpm.TPML_HANDLE;
import tss.tpm.TPML_TAGGED_TPM_PROPERTY;
import tss.tpm.TPMS_TAGGED_PROPERTY;
import tss.tpm.TPM_CAP;
import tss.tpm.TPM_HANDLE;
import tss.tpm.TPM_PT;

/**
 * One open TPM: runs TSS.Java commands and turns every failure into an {@link HsmException}.
 *
 * <p>Commands run with TSS.Java's error exceptions switched off (they print to stdout and lose the
 * raw response code); the raw code is taken from the response header instead and mapped to a {@link
 * TpmException} naming the operation. Transport failures (socket closed, device gone) become an
 * {@link HsmException} naming the TCTI; a TPM that does not answer in time (see {@link
 * TpmTimeouts}) one that says so.
 *
 * <p>A TPM is opened once per process: while one connection to a TCTI is open, opening it again
 * shares that connection (the same device, with the timeouts it was opened with) and the last close
 * closes it. swtpm serves one connection at a time, so a second user of the same TPM in this
 * process (a TPM-held certificate key beside TPM attestation, which holds its TPM for the run)
 * would otherwise wait for the first. Commands are serialised on the shared connection; a
 * multi-command step still wants its caller to serialise (as {@link TpmAttestor} does).
 */
final class TpmConnection implements AutoCloseable {

  /** Assumed when the TPM does not say its TPM_PT_INPUT_BUFFER. */
  static final int DEFAULT_INPUT_BUFFER = 1024;

  /** TPM_HT_TRANSIENT, TPM_HT_HMAC_SESSION (loaded sessions), TPM_HT_POLICY_SESSION. */
  static final int FIRST_TRANSIENT = 0x80000000;

  static final int FIRST_HMAC_SESSION = 0x02000000;
  static final int FIRST_POLICY_SESSION = 0x03000000;

  /** The connections open in this process, by TCTI; guarded by itself. */
  private static final Map<TctiSpec, Device> OPEN = new HashMap<>();

  /** One open TPM and how many {@link TpmConnection}s use it (guarded by {@link #OPEN}). */
  private static final class Device {
    final Tpm tpm;
    int users = 1;
    int lastResponseCode;

    Device(Tpm tpm) {
      this.tpm = tpm;
      tpm._setCallback(
          (command, rc, request, response) -> lastResponseCode = responseCode(response));
    }
  }

  private final TctiSpec tcti;
  private final Device device;
  private final boolean registered;
  private boolean closed; // guarded by OPEN

  /** A connection of its own to {@code tpm}, not shared (the start-up of a fresh one). */
  TpmConnection(TctiSpec tcti, Tpm tpm) {
    this(tcti, new Device(tpm), false);
  }

  private TpmConnection(TctiSpec tcti, Device device, boolean registered) {
    this.tcti = tcti;
    this.device = device;
    this.registered = registered;
  }

  /**
   * Opens the TPM named by the TCTI and makes sure it is started, or shares the connection this
   * process already holds to it.
   */
  static TpmConnection open(TctiSpec tcti, TpmTimeouts timeouts) throws HsmException {
    synchronized (OPEN) {
      Device held = OPEN.get(tcti);
      if (held != null) {
        held.users++;
        return new TpmConnection(tcti, held, true);
      }
      // Opened under the lock: two first opens of one swtpm would wait for each other.
      Device opened = new Device(Tpms.open(tcti, timeouts));
      OPEN.put(tcti, opened);
      return new TpmConnection(tcti, opened, true);
    }
  }

  private static int responseCode(byte[] response) {
    if (response == null || response.length < TpmResponses.HEADER_SIZE) {
      return -1;
    }
    return ((response[6] & 0xff) << 24)
        | ((response[7] & 0xff) << 16)
        | ((response[8] & 0xff) << 8)
        | (response[9] & 0xff);
  }

  TctiSpec tcti() {
    return tcti;
  }

  /** Runs one command; a non-success response code becomes a {@link TpmException}. */
  <T> T run(String operation, Function<Tpm, T> command) throws HsmException {
    T result;
    int lastResponseCode;
    synchronized (device) {
      device.lastResponseCode = -1;
      try {
        result = command.apply(device.tpm._allowErrors());
      } catch (TpmNoAnswerException e) {
        throw e.toHsmException();
      } catch (RuntimeException e) {
        throw transportFailure(operation, e);
      }
      lastResponseCode = device.lastResponseCode;
    }
    if (lastResponseCode != TpmResponseCode.SUCCESS) {
      if (lastResponseCode == -1) {
        throw new HsmException(
            HsmException.Kind.UNAVAILABLE, "TPM " + operation + " at " + tcti + " got no response");
      }
      throw new TpmException(operation, new TpmResponseCode(lastResponseCode));
    }
    return result;
  }

  void runVoid(String operation, Consumer<Tpm> command) throws HsmException {
    run(
        operation,
        t -> {
          command.accept(t);
          return null;
        });
  }

  /** The TPM's answer code to a command that may fail, without throwing for TPM errors. */
  int tryRun(String operation, Consumer<Tpm> command) throws HsmException {
    try {
      runVoid(operation, command);
      return TpmResponseCode.SUCCESS;
    } catch (TpmException e) {
      return e.responseCode().raw();
    }
  }

  private HsmException transportFailure(String operation, RuntimeException e) {
    String reason =
        e.getCause() != null && e.getCause().getMessage() != null
            ? e.getMessage() + ": " + e.getCause().getMessage()
            : String.valueOf(e.getMessage());
    return new HsmException(
        HsmException.Kind.UNAVAILABLE,
        "TPM " + operation + " at " + tcti + " failed: " + reason,
        e);
  }

  /** The public area at a persistent handle, or empty if nothing is there (TPM_RC_HANDLE). */
  Optional<ReadPublicResponse> readPublic(int handle, String what) throws HsmException {
    try {
      return Optional.of(
          run(
              "ReadPublic(" + what + " " + hex(handle) + ")",
              t -> t.ReadPublic(TPM_HANDLE.from(handle))));
    } catch (TpmException e) {
      if (e.responseCode().base() == TpmResponseCode.HANDLE) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** Flushes a transient object or session. */
  void flush(TPM_HANDLE handle) throws HsmException {
    runVoid("FlushContext(" + hex(handle.handle) + ")", t -> t.FlushContext(handle));
  }

  /** A fixed TPM property such as TPM_PT_INPUT_BUFFER, or the fallback if the TPM does not say. */
  int property(TPM_PT property, int fallback) throws HsmException {
    GetCapabilityResponse caps =
        run(
            "GetCapability(" + property + ")",
            t -> t.GetCapability(TPM_CAP.TPM_PROPERTIES, property.toInt(), 1));
    if (caps.capabilityData instanceof TPML_TAGGED_TPM_PROPERTY list) {
      for (TPMS_TAGGED_PROPERTY p : list.tpmProperty) {
        if (p.property.toInt() == property.toInt() && p.value > 0) {
          return p.value;
        }
      }
    }
    return fallback;
  }

  /** Handles of one type currently in the TPM (e.g. all transient objects), at most 256. */
  List<Integer> handles(int first) throws HsmException {
    GetCapabilityResponse caps =
        run(
            "GetCapability(handles " + hex(first) + ")",
            t -> t.GetCapability(TPM_CAP.HANDLES, first, 256));
    List<Integer> result = new ArrayList<>();
    if (caps.capabilityData instanceof TPML_HANDLE list) {
      int type = first >>> 24;
      for (TPM_HANDLE h : list.handle) {
        if (h.handle >>> 24 == type) {
          result.add(h.handle);
        }
      }
    }
    return result;
  }

  /** TSS.Java prints enum values as {@code {RSA}}; messages want {@code RSA}. */
  static String name(Object tssEnum) {
    String text = String.valueOf(tssEnum);
    return text.startsWith("{") && text.endsWith("}") ? text.substring(1, text.length() - 1) : text;
  }

  static String hex(int handle) {
    return String.format("0x%08X", handle);
  }

  /** Closes this connection; the device closes with the last connection that shares it. */
  @Override
  public void close() {
    synchronized (OPEN) {
      if (closed) {
        return;
      }
      closed = true;
      if (registered && --device.users > 0) {
        return;
      }
      if (registered) {
        OPEN.remove(tcti);
      }
    }
    try {
      device.tpm.close();
    } catch (IOException | RuntimeException ignored) {
      // the device is gone either way
    }
  }
}
