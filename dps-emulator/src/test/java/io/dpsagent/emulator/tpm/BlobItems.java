package io.dpsagent.emulator.tpm;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Splits an activation blob into its six TPM2B items (each kept with its size prefix). */
public final class BlobItems {

  private BlobItems() {}

  public static List<byte[]> split(byte[] blob) {
    ByteBuffer in = ByteBuffer.wrap(blob);
    List<byte[]> items = new ArrayList<>();
    while (in.hasRemaining()) {
      int start = in.position();
      int size = Short.toUnsignedInt(in.getShort());
      if (size > in.remaining()) {
        throw new IllegalArgumentException("item " + items.size() + " overruns the blob");
      }
      in.position(in.position() + size);
      items.add(Arrays.copyOfRange(blob, start, in.position()));
    }
    if (items.size() != 6) {
      throw new IllegalArgumentException("expected 6 items, found " + items.size());
    }
    return items;
  }

  /** An item without its size prefix. */
  public static byte[] content(byte[] item) {
    return Arrays.copyOfRange(item, 2, item.length);
  }

  public static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
