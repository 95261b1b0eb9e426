package io.dpsagent.hsm.pkcs11;

import com.sun.jna.Function;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Lists the tokens of a PKCS#11 module by calling it directly (C_GetSlotList, C_GetTokenInfo).
 *
 * <p>SunPKCS11 must be configured with a slot ID or slot index, but URIs name tokens by label or
 * serial, and some modules (SoftHSM2) give slots random IDs. SunPKCS11 does not expose token
 * labels, and its PKCS#11 wrapper is not an exported JDK API, so the slot is looked up here through
 * JNA, before SunPKCS11 is configured for it.
 *
 * <p>The module is initialised with {@code CKF_OS_LOCKING_OK} (as SunPKCS11 does) and never
 * finalised: SunPKCS11, loading the same library later, accepts CKR_CRYPTOKI_ALREADY_INITIALIZED,
 * while a C_Finalize here could pull the module from under a provider already using it.
 */
final class Pkcs11Module {

  private static final long CKR_OK = 0;
  private static final long CKR_CRYPTOKI_ALREADY_INITIALIZED = 0x191;
  private static final long CKF_OS_LOCKING_OK = 0x2;
  // CK_FUNCTION_LIST: CK_VERSION (padded to a pointer), then function pointers in spec order.
  private static final int C_INITIALIZE = 0;
  private static final int C_GET_SLOT_LIST = 4;
  private static final int C_GET_TOKEN_INFO = 6;
  private static final int MAX_SLOTS = 1024;
  private static final int RTLD_LAZY = 1;

  private Pkcs11Module() {}

  /**
   * The slots that hold a token, with what each token reports.
   *
   * @throws Pkcs11Exception {@link Pkcs11Exception.Kind#MODULE_NOT_FOUND} if the library is missing
   *     or not a PKCS#11 module
   */
  static synchronized List<TokenInfo> tokens(String modulePath) throws Pkcs11Exception {
    Pointer functions = functionList(modulePath);
    Memory initArgs = new Memory(6L * Native.POINTER_SIZE);
    initArgs.clear();
    initArgs.setNativeLong(4L * Native.POINTER_SIZE, new NativeLong(CKF_OS_LOCKING_OK));
    long rv = call(functions, C_INITIALIZE, initArgs);
    if (rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED) {
      throw failure(modulePath, "C_Initialize", rv);
    }
    Memory count = new Memory(NativeLong.SIZE);
    count.setNativeLong(0, new NativeLong(MAX_SLOTS));
    Memory slots = new Memory((long) MAX_SLOTS * NativeLong.SIZE);
    rv = call(functions, C_GET_SLOT_LIST, (byte) 1, slots, count);
    if (rv != CKR_OK) {
      throw failure(modulePath, "C_GetSlotList", rv);
    }
    List<TokenInfo> tokens = new ArrayList<>();
    Memory info = new Memory(512); // CK_TOKEN_INFO is 208 bytes on LP64
    for (int i = 0; i < count.getNativeLong(0).intValue(); i++) {
      long slot = slots.getNativeLong((long) i * NativeLong.SIZE).longValue();
      info.clear();
      if (call(functions, C_GET_TOKEN_INFO, new NativeLong(slot), info) == CKR_OK) {
        tokens.add(
            new TokenInfo(
                slot,
                text(info, 0, 32),
                text(info, 32, 32),
                text(info, 64, 16),
                text(info, 80, 16),
                info.getNativeLong(96).longValue()));
      }
    }
    return tokens;
  }

  private static Pointer functionList(String modulePath) throws Pkcs11Exception {
    if (!Files.isRegularFile(Path.of(modulePath))) {
      throw new Pkcs11Exception(
          Pkcs11Exception.Kind.MODULE_NOT_FOUND,
          "PKCS#11 module " + modulePath + " does not exist");
    }
    NativeLibrary library;
    Function getFunctionList;
    try {
      // RTLD_LOCAL, as SunPKCS11 does: a module's C_* symbols in the global namespace would be
      // found by the next module in place of its own (proxy modules such as pkcs11-spy loop).
      library = NativeLibrary.getInstance(modulePath, Map.of(Library.OPTION_OPEN_FLAGS, RTLD_LAZY));
      getFunctionList = library.getFunction("C_GetFunctionList");
    } catch (UnsatisfiedLinkError e) {
      throw new Pkcs11Exception(
          Pkcs11Exception.Kind.MODULE_NOT_FOUND,
          "PKCS#11 module " + modulePath + " cannot be loaded or is not a PKCS#11 module");
    }
    PointerByReference list = new PointerByReference();
    long rv = getFunctionList.invokeLong(new Object[] {list});
    if (rv != CKR_OK || list.getValue() == null) {
      throw failure(modulePath, "C_GetFunctionList", rv);
    }
    return list.getValue();
  }

  private static long call(Pointer functions, int index, Object... args) {
    Pointer fn = functions.getPointer((long) (index + 1) * Native.POINTER_SIZE);
    return Function.getFunction(fn).invoke(NativeLong.class, args) instanceof NativeLong rv
        ? rv.longValue() & 0xffffffffL
        : -1;
  }

  private static String text(Memory info, long offset, int length) {
    // PKCS#11 pads these fields with blanks and does not terminate them.
    return new String(info.getByteArray(offset, length), StandardCharsets.UTF_8).stripTrailing();
  }

  private static Pkcs11Exception failure(String modulePath, String function, long rv) {
    return new Pkcs11Exception(
        Pkcs11Exception.Kind.TOKEN_ERROR,
        "PKCS#11 module "
            + modulePath
            + ": "
            + function
            + " failed with CKR 0x"
            + Long.toHexString(rv));
  }
}
