package io.cloneguard.restore;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.google.crypto.tink.Aead;
import io.cloneguard.config.Secret;
import io.cloneguard.snapshot.SnapshotException;
import io.cloneguard.snapshot.SnapshotKey;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * MID Server passwords, kept encrypted so a restored account can get the password its MID host's
 * config.xml expects (ServiceNow never returns a password). One file per instance,
 * {@code <storage.dir>/escrow/<instance>.json}, 0600; each value is encrypted with the snapshot key
 * and bound to its instance and user name, so a value copied to another user or instance does not
 * decrypt. Listing users needs no decryption; the values are only read by restore.
 */
public final class PasswordEscrow {
  static final int FORMAT_VERSION = 1;
  private static final Pattern INSTANCE_NAME = Pattern.compile("[a-z0-9-]+");
  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  private final Path dir;
  private final Aead aead;

  public PasswordEscrow(Path storageDir, SnapshotKey key) {
    this(storageDir, aeadOf(key));
  }

  /** An escrow that can list its users but not read or store a password: listing needs no key. */
  public static PasswordEscrow listingOnly(Path storageDir) {
    return new PasswordEscrow(storageDir, new Aead() {
      @Override
      public byte[] encrypt(byte[] plaintext, byte[] associatedData) throws GeneralSecurityException {
        throw new GeneralSecurityException("no key loaded");
      }

      @Override
      public byte[] decrypt(byte[] ciphertext, byte[] associatedData) throws GeneralSecurityException {
        throw new GeneralSecurityException("no key loaded");
      }
    });
  }

  /** The snapshot key as Tink's AEAD interface; its own exceptions become the ones Tink promises. */
  private static Aead aeadOf(SnapshotKey key) {
    return new Aead() {
      @Override
      public byte[] encrypt(byte[] plaintext, byte[] associatedData) throws GeneralSecurityException {
        try {
          return key.encrypt(plaintext, associatedData);
        } catch (SnapshotException e) {
          throw new GeneralSecurityException(e.getMessage(), e);
        }
      }

      @Override
      public byte[] decrypt(byte[] ciphertext, byte[] associatedData) throws GeneralSecurityException {
        try {
          return key.decrypt(ciphertext, associatedData);
        } catch (SnapshotException e) {
          throw new GeneralSecurityException(e.getMessage(), e);
        }
      }
    };
  }

  /** Tink's AEAD interface is the seam: the snapshot key supplies it in production, tests may bring their own. */
  PasswordEscrow(Path storageDir, Aead aead) {
    this.dir = storageDir.resolve("escrow");
    this.aead = aead;
  }

  /** Stores (or replaces) the password of {@code user} on {@code instance}. */
  public synchronized void put(String instance, String user, Secret password) {
    check(instance, user);
    if (password == null || password.isEmpty()) {
      throw new RestoreException("escrow " + instance + "/" + user + ": the password is empty; nothing stored");
    }
    try {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      // The file lock serialises writers across processes (daemon and CLI): read-modify-write must not lose an entry.
      try (FileChannel lockChannel = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        FileLock lock = lockChannel.lock();
        Map<String, String> entries = new TreeMap<>(read(instance).users());
        byte[] sealed = aead.encrypt(password.reveal().getBytes(StandardCharsets.UTF_8), associatedData(instance, user));
        entries.put(user, Base64.getEncoder().encodeToString(sealed));
        write(instance, new EscrowFile(FORMAT_VERSION, instance, entries));
        lock.release();
      }
    } catch (GeneralSecurityException e) {
      throw new RestoreException("escrow " + instance + "/" + user + ": cannot encrypt with the snapshot key (" + e.getMessage() + ")", e);
    } catch (IOException e) {
      throw new RestoreException("escrow file " + file(instance) + ": cannot write (" + e.getMessage() + "); check storage.dir permissions and free space", e);
    }
  }

  /** The escrowed password of {@code user}, or empty when none was stored. */
  public Optional<Secret> get(String instance, String user) {
    check(instance, user);
    String sealed = read(instance).users().get(user);
    if (sealed == null) {
      return Optional.empty();
    }
    try {
      byte[] plain = aead.decrypt(Base64.getDecoder().decode(sealed), associatedData(instance, user));
      return Optional.of(Secret.of(new String(plain, StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new RestoreException(
          "escrow " + instance + "/" + user + ": the stored password does not decrypt with this key (stored with another key, or the file was"
              + " modified); store it again with 'cloneguard escrow set " + instance + " " + user + "'");
    }
  }

  public boolean has(String instance, String user) {
    check(instance, user);
    return read(instance).users().containsKey(user);
  }

  /** Users of {@code instance} with an escrowed password, sorted. Never the values. */
  public List<String> users(String instance) {
    check(instance, "-");
    return read(instance).users().keySet().stream().sorted().toList();
  }

  /** Instances with an escrow file, sorted. */
  public List<String> instances() {
    try (var files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".json"))
          .map(n -> n.substring(0, n.length() - ".json".length()))
          .filter(n -> INSTANCE_NAME.matcher(n).matches())
          .sorted()
          .toList();
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      throw new RestoreException("escrow directory " + dir + ": cannot list (" + e.getMessage() + ")", e);
    }
  }

  Path file(String instance) {
    return dir.resolve(instance + ".json");
  }

  private EscrowFile read(String instance) {
    Path file = file(instance);
    try {
      EscrowFile content = MAPPER.readValue(Files.readAllBytes(file), EscrowFile.class);
      if (content.formatVersion() != FORMAT_VERSION) {
        throw new RestoreException("escrow file " + file + ": unknown format version " + content.formatVersion() + " (this CloneGuard reads " + FORMAT_VERSION + ")");
      }
      if (!instance.equals(content.instance())) {
        throw new RestoreException("escrow file " + file + ": belongs to instance '" + content.instance() + "', not '" + instance + "'");
      }
      return content;
    } catch (NoSuchFileException e) {
      return new EscrowFile(FORMAT_VERSION, instance, Map.of());
    } catch (IOException e) {
      throw new RestoreException("escrow file " + file + ": cannot read (" + e.getMessage() + ")", e);
    }
  }

  /** Temp file, fsync, atomic rename: a crash leaves the old file or the new one, never half of one. */
  private void write(String instance, EscrowFile content) throws IOException {
    Path target = file(instance);
    Path temp = Files.createTempFile(dir, "." + instance + ".", ".tmp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ch.write(java.nio.ByteBuffer.wrap(MAPPER.writeValueAsBytes(content)));
        ch.force(true);
      }
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
        d.force(true);
      } catch (IOException ignored) {
        // some file systems cannot fsync a directory; the rename itself is still atomic
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static byte[] associatedData(String instance, String user) {
    return ("cloneguard-escrow/v1\n" + instance + "\n" + user).getBytes(StandardCharsets.UTF_8);
  }

  private static void check(String instance, String user) {
    if (instance == null || !INSTANCE_NAME.matcher(instance).matches()) {
      throw new RestoreException("escrow: '" + instance + "' is not an instance name ([a-z0-9-]+)");
    }
    if (user == null || user.isBlank()) {
      throw new RestoreException("escrow " + instance + ": the user name is empty");
    }
  }

  /** The file's JSON: values are base64 AEAD ciphertexts keyed by user name. */
  record EscrowFile(int formatVersion, String instance, Map<String, String> users) {
    EscrowFile {
      users = users == null ? Map.of() : Map.copyOf(users);
    }
  }
}
