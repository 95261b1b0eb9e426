package io.dpsagent.hsm.tpm;

import io.dpsagent.hsm.HsmException;
import java.util.ArrayDeque;
import java.util.Deque;
import tss.tpm.TPM_HANDLE;

/**
 * Transient objects and sessions to flush when a step ends, however it ends. Without a resource
 * manager (swtpm, /dev/tpm0) anything left behind stays loaded after we disconnect, and a TPM has
 * only a few slots.
 */
final class Transients implements AutoCloseable {

  private final TpmConnection connection;
  private final Deque<TPM_HANDLE> handles = new ArrayDeque<>();

  Transients(TpmConnection connection) {
    this.connection = connection;
  }

  TPM_HANDLE track(TPM_HANDLE handle) {
    handles.push(handle);
    return handle;
  }

  /** Forgets a handle the TPM already freed itself (e.g. by SequenceComplete). */
  void released(TPM_HANDLE handle) {
    handles.remove(handle);
  }

  /** Flushes one handle now, before the rest. */
  void flush(TPM_HANDLE handle) throws HsmException {
    handles.remove(handle);
    connection.flush(handle);
  }

  /** Flushes everything still tracked, newest first; every flush is tried even if one fails. */
  @Override
  public void close() throws HsmException {
    HsmException first = null;
    while (!handles.isEmpty()) {
      try {
        connection.flush(handles.pop());
      } catch (HsmException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
