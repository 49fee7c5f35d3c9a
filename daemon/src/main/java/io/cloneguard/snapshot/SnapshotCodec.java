package io.cloneguard.snapshot;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.cloneguard.servicenow.Record;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The {@code .cgsnap} file format (docs/snapshots.md): a cleartext header {@code "CGSNAP"}, one
 * format-version byte, a 2-byte length and the snapshot ref ({@code instance/id}), then the Tink
 * AEAD ciphertext of gzip(JSON). The associated data is the header as it must be for the file's
 * location, so a file moved to another instance's directory or renamed to another id does not open.
 */
final class SnapshotCodec {
  static final byte[] MAGIC = "CGSNAP".getBytes(StandardCharsets.US_ASCII);

  static final ObjectMapper MAPPER =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** Cap on the decompressed JSON, so a hostile file cannot exhaust the heap (a real one is a few MB). */
  private static final long MAX_JSON_BYTES = 512L * 1024 * 1024;

  private SnapshotCodec() {}

  static byte[] encode(Snapshot snapshot, SnapshotKey key) {
    SnapshotMetadata m = snapshot.metadata();
    byte[] header = header(m.formatVersion(), m.ref());
    byte[] ciphertext = key.encrypt(gzip(toJson(snapshot)), header);
    return ByteBuffer.allocate(header.length + ciphertext.length).put(header).put(ciphertext).array();
  }

  /** Opens a file read from {@code <instance>/<id>.cgsnap}; every failure names the ref. */
  static Snapshot decode(byte[] file, String instance, String id, SnapshotKey key) {
    String ref = instance + "/" + id;
    if (file.length < MAGIC.length + 3) {
      if (isPrefixOfMagic(file)) {
        throw new SnapshotException.Tampered("snapshot " + ref + " failed authentication: the file was modified or truncated");
      }
      throw new SnapshotException("snapshot " + ref + " is not a CloneGuard snapshot file (no CGSNAP header)");
    }
    if (!Arrays.equals(file, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new SnapshotException("snapshot " + ref + " is not a CloneGuard snapshot file (no CGSNAP header)");
    }
    int version = file[MAGIC.length] & 0xff;
    if (version != SnapshotMetadata.FORMAT_VERSION) {
      throw new SnapshotException.UnsupportedFormat("snapshot " + ref + " has format version " + version + ", this CloneGuard reads version "
          + SnapshotMetadata.FORMAT_VERSION + "; open it with the CloneGuard version that wrote it");
    }
    int refLength = ((file[MAGIC.length + 1] & 0xff) << 8) | (file[MAGIC.length + 2] & 0xff);
    int headerLength = MAGIC.length + 3 + refLength;
    if (file.length < headerLength) {
      throw new SnapshotException.Tampered("snapshot " + ref + " failed authentication: the file was modified or truncated");
    }
    String claimed = new String(file, MAGIC.length + 3, refLength, StandardCharsets.UTF_8);
    if (!claimed.equals(ref)) {
      throw new SnapshotException.Tampered("snapshot " + ref + " failed authentication: the file holds snapshot " + claimed
          + " and was renamed or moved; move it back to " + claimed + ".cgsnap");
    }
    byte[] ciphertext = Arrays.copyOfRange(file, headerLength, file.length);
    byte[] compressed;
    try {
      compressed = key.decrypt(ciphertext, header(version, ref));
    } catch (SnapshotException.WrongKey e) {
      throw new SnapshotException.WrongKey("snapshot " + ref + " was " + e.getMessage());
    } catch (SnapshotException.Tampered e) {
      throw new SnapshotException.Tampered("snapshot " + ref + " " + e.getMessage());
    }
    Snapshot snapshot;
    try {
      snapshot = MAPPER.readValue(gunzip(compressed), Snapshot.class);
    } catch (IOException | RuntimeException e) {
      throw new SnapshotException("snapshot " + ref + " decrypted but its content is not a valid snapshot: " + e.getMessage(), e);
    }
    SnapshotMetadata m = snapshot.metadata();
    if (m == null || !ref.equals(m.ref())) {
      throw new SnapshotException.Tampered("snapshot " + ref + " failed authentication: its content names snapshot "
          + (m == null ? "nothing" : m.ref()));
    }
    String hash = contentHash(snapshot);
    if (!hash.equals(m.contentHash())) {
      throw new SnapshotException.Tampered("snapshot " + ref + " content hash " + hash + " does not match the recorded " + m.contentHash());
    }
    return snapshot;
  }

  /** The cleartext header for a ref; it is also the associated data, so it cannot be changed unnoticed. */
  static byte[] header(int version, String ref) {
    byte[] refBytes = ref.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(MAGIC.length + 3 + refBytes.length)
        .put(MAGIC)
        .put((byte) version)
        .putShort((short) refBytes.length)
        .put(refBytes)
        .array();
  }

  static byte[] toJson(Snapshot snapshot) {
    try {
      return MAPPER.writeValueAsBytes(snapshot);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * SHA-256 (hex) of the canonical JSON of the rows: tables in fixed order, rows in captured order,
   * fields sorted by name. Metadata is not part of it, so the same data always hashes the same.
   */
  static String contentHash(Snapshot snapshot) {
    Map<String, List<Map<String, String>>> canonical = new LinkedHashMap<>();
    SnapshotTables.rowsByTable(snapshot).forEach((table, rows) -> canonical.put(table, rows.stream().map(Record::values).toList()));
    try {
      byte[] json = MAPPER.writeValueAsBytes(canonical);
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JRE", e);
    }
  }

  private static boolean isPrefixOfMagic(byte[] file) {
    return file.length > 0 && Arrays.equals(file, 0, Math.min(file.length, MAGIC.length), MAGIC, 0, Math.min(file.length, MAGIC.length));
  }

  private static byte[] gzip(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 4 + 64);
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static byte[] gunzip(byte[] data) throws IOException {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(data))) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(data.length * 4);
      byte[] buf = new byte[64 * 1024];
      long total = 0;
      for (int n; (n = in.read(buf)) > 0; ) {
        total += n;
        if (total > MAX_JSON_BYTES) {
          throw new IOException("decompressed content exceeds " + MAX_JSON_BYTES + " bytes");
        }
        out.write(buf, 0, n);
      }
      return out.toByteArray();
    }
  }
}
