package io.cloneguard.snapshot;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The Tink AES256-GCM keyset that encrypts snapshots (and escrowed passwords), kept as cleartext
 * Tink JSON in a 0600 file: the same trust model as an SSH private key, so whoever can read that file
 * can read every snapshot. Rotation adds a new primary key; older keys stay to open older snapshots.
 */
public final class SnapshotKey {
  /** Tink's TINK output prefix: one version byte 0x01, then the 4-byte id of the key that encrypted. */
  private static final byte TINK_PREFIX = 0x01;

  private static final int PREFIX_LENGTH = 5;

  static {
    try {
      AeadConfig.register();
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Path file;
  private final KeysetHandle keyset;
  private final Aead aead;

  private SnapshotKey(Path file, KeysetHandle keyset) {
    this.file = file;
    this.keyset = keyset;
    try {
      this.aead = keyset.getPrimitive(RegistryConfiguration.get(), Aead.class);
    } catch (GeneralSecurityException e) {
      throw new SnapshotException("key file " + file + " holds no usable AES256-GCM key: " + e.getMessage(), e);
    }
  }

  /** Reads the keyset; refuses a file that others can read, as ssh refuses such a private key. */
  public static SnapshotKey load(Path keyFile) {
    String json;
    try {
      checkPrivate(keyFile);
      json = Files.readString(keyFile, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new SnapshotException("key file " + keyFile + " does not exist; create one with 'cloneguard keygen --out " + keyFile + "'");
    } catch (AccessDeniedException e) {
      throw new SnapshotException("key file " + keyFile + " is not readable by this user; it must be owned by the CloneGuard service user with mode 0600");
    } catch (IOException e) {
      throw new SnapshotException("cannot read key file " + keyFile + ": " + e.getMessage(), e);
    }
    try {
      return new SnapshotKey(keyFile, TinkJsonProtoKeysetFormat.parseKeyset(json, InsecureSecretKeyAccess.get()));
    } catch (GeneralSecurityException | RuntimeException e) {
      // Never echo the content: it is the secret.
      throw new SnapshotException("key file " + keyFile + " is not a Tink JSON keyset; restore it from your backup or create one with 'cloneguard keygen'", e);
    }
  }

  /** Writes a new keyset with one AES256-GCM key to {@code out} (mode 0600); refuses to overwrite. */
  public static void generate(Path out) {
    generate(out, SnapshotFileOps.system());
  }

  static void generate(Path out, SnapshotFileOps ops) {
    if (Files.exists(out)) {
      throw new SnapshotException("key file " + out + " already exists; refusing to overwrite it (use --rotate to add a new key to it)");
    }
    try {
      KeysetHandle keyset = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
      writeKeyset(out, keyset, ops, false);
    } catch (GeneralSecurityException e) {
      throw new SnapshotException("cannot generate a key for " + out + ": " + e.getMessage(), e);
    }
  }

  /** Adds a new AES256-GCM key to the keyset in {@code keyFile} and makes it primary; older keys stay. */
  public static void rotate(Path keyFile) {
    rotate(keyFile, SnapshotFileOps.system());
  }

  static void rotate(Path keyFile, SnapshotFileOps ops) {
    SnapshotKey current = load(keyFile);
    try {
      KeysetHandle.Builder builder = KeysetHandle.newBuilder(current.keyset);
      KeysetHandle.Builder.Entry fresh = KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM).withRandomId();
      builder.addEntry(fresh);
      fresh.makePrimary(); // after addEntry, so the builder demotes the previous primary
      writeKeyset(keyFile, builder.build(), ops, true);
    } catch (GeneralSecurityException e) {
      throw new SnapshotException("cannot rotate key file " + keyFile + ": " + e.getMessage(), e);
    }
  }

  private static void writeKeyset(Path target, KeysetHandle keyset, SnapshotFileOps ops, boolean replace) throws GeneralSecurityException {
    byte[] json = TinkJsonProtoKeysetFormat.serializeKeyset(keyset, InsecureSecretKeyAccess.get()).getBytes(StandardCharsets.UTF_8);
    Path absolute = target.toAbsolutePath();
    Path dir = absolute.getParent();
    Path temp = dir.resolve("." + absolute.getFileName() + ".tmp-" + UUID.randomUUID());
    try {
      SnapshotFileOps.createPrivateDirectories(dir);
      ops.writeNew(temp, json);
      if (replace) {
        ops.replace(temp, absolute);
      } else {
        ops.publish(temp, absolute);
      }
      ops.syncDirectory(dir);
    } catch (FileAlreadyExistsException e) {
      throw new SnapshotException("key file " + target + " already exists; refusing to overwrite it");
    } catch (IOException e) {
      throw new SnapshotException("cannot write key file " + target + ": " + e.getMessage(), e);
    } finally {
      try {
        ops.deleteIfExists(temp);
      } catch (IOException ignored) {
        // best effort: the temp name starts with a dot and holds a key we never published
      }
    }
  }

  private static void checkPrivate(Path keyFile) throws IOException {
    if (!SnapshotFileOps.posix(keyFile) || !Files.exists(keyFile)) {
      return;
    }
    Set<PosixFilePermission> mode = Files.getPosixFilePermissions(keyFile);
    for (PosixFilePermission p : mode) {
      if (p.name().startsWith("GROUP") || p.name().startsWith("OTHERS")) {
        throw new SnapshotException("key file " + keyFile + " is accessible by group or others; run 'chmod 600 " + keyFile + "'");
      }
    }
  }

  /** The file this keyset came from. */
  public Path file() {
    return file;
  }

  /** Ids of every key in the keyset (not secret: Tink writes them in front of each ciphertext). */
  public List<Integer> keyIds() {
    List<Integer> ids = new ArrayList<>();
    for (int i = 0; i < keyset.size(); i++) {
      ids.add(keyset.getAt(i).getId());
    }
    return ids;
  }

  public int primaryKeyId() {
    return keyset.getPrimary().getId();
  }

  /** AES256-GCM with the primary key; {@code associatedData} is authenticated, not encrypted, and must match on decrypt. */
  public byte[] encrypt(byte[] plaintext, byte[] associatedData) {
    try {
      return aead.encrypt(plaintext, associatedData);
    } catch (GeneralSecurityException e) {
      throw new SnapshotException("encryption failed with key file " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Decrypts with whichever key of the keyset wrote the ciphertext.
   *
   * @throws SnapshotException.WrongKey when the key id in the ciphertext is not in this keyset
   * @throws SnapshotException.Tampered when authentication fails (modified, truncated, other associated data)
   */
  public byte[] decrypt(byte[] ciphertext, byte[] associatedData) {
    if (ciphertext.length >= PREFIX_LENGTH && ciphertext[0] == TINK_PREFIX && !keyIds().contains(keyIdOf(ciphertext))) {
      throw new SnapshotException.WrongKey("encrypted with a different key (key id " + Integer.toUnsignedString(keyIdOf(ciphertext))
          + " is not in " + file + ")");
    }
    try {
      return aead.decrypt(ciphertext, associatedData);
    } catch (GeneralSecurityException e) {
      throw new SnapshotException.Tampered("failed authentication: the file was modified or truncated");
    }
  }

  private static int keyIdOf(byte[] ciphertext) {
    return ((ciphertext[1] & 0xff) << 24) | ((ciphertext[2] & 0xff) << 16) | ((ciphertext[3] & 0xff) << 8) | (ciphertext[4] & 0xff);
  }

  @Override
  public String toString() {
    return "SnapshotKey[" + file + ", " + keyset.size() + " key(s)]"; // never the key material
  }
}
