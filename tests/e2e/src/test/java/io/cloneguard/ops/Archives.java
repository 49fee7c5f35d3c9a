package io.cloneguard.ops;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Reads the two archive formats our packages use, in plain Java so the test needs neither dpkg nor extra
 * libraries: ar (the .deb container) and gzip'd tar (ustar with GNU long names and pax path records).
 */
final class Archives {
  private Archives() {}

  /** One tar entry; name without a leading "./" or "/"; type '0' file, '5' directory, '2' symlink. */
  record Entry(String name, char type, int mode, String user, String group, String linkTarget, byte[] content) {
    boolean isFile() {
      return type == '0' || type == '\0';
    }

    String text() {
      return new String(content, StandardCharsets.UTF_8);
    }

    String modeOctal() {
      return String.format("%04o", mode);
    }
  }

  /** The members of an ar archive (a .deb: debian-binary, control.tar.*, data.tar.*), by name. */
  static Map<String, byte[]> readAr(Path file) throws IOException {
    Map<String, byte[]> members = new LinkedHashMap<>();
    try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
      byte[] magic = new byte[8];
      in.readFully(magic);
      if (!"!<arch>\n".equals(new String(magic, StandardCharsets.US_ASCII))) {
        throw new IOException(file + " is not an ar archive");
      }
      byte[] header = new byte[60];
      while (true) {
        try {
          in.readFully(header);
        } catch (EOFException end) {
          return members;
        }
        String name = ascii(header, 0, 16).strip();
        if (name.endsWith("/")) {
          name = name.substring(0, name.length() - 1);
        }
        int size = Integer.parseInt(ascii(header, 48, 10).strip());
        byte[] data = new byte[size];
        in.readFully(data);
        if (size % 2 == 1) {
          in.skipBytes(1);
        }
        members.put(name, data);
      }
    }
  }

  /** The entries of a .tar.gz, in archive order, keyed by normalised name. */
  static Map<String, Entry> readTarGz(byte[] gz) throws IOException {
    return readTar(new GZIPInputStream(new ByteArrayInputStream(gz)));
  }

  static Map<String, Entry> readTarGz(Path file) throws IOException {
    return readTarGz(Files.readAllBytes(file));
  }

  private static Map<String, Entry> readTar(InputStream raw) throws IOException {
    Map<String, Entry> entries = new LinkedHashMap<>();
    DataInputStream in = new DataInputStream(raw);
    byte[] header = new byte[512];
    String longName = null;
    String longLink = null;
    while (true) {
      in.readFully(header);
      if (isZero(header)) {
        return entries;
      }
      char type = (char) header[156];
      long size = Long.parseLong(ascii(header, 124, 12).strip().isEmpty() ? "0" : ascii(header, 124, 12).strip(), 8);
      byte[] content = new byte[Math.toIntExact(size)];
      in.readFully(content);
      long pad = (512 - size % 512) % 512;
      in.skipNBytes(pad);
      if (type == 'L') { // GNU long name for the next entry
        longName = cString(content);
        continue;
      }
      if (type == 'K') {
        longLink = cString(content);
        continue;
      }
      if (type == 'x') { // pax extended header for the next entry
        Map<String, String> pax = pax(content);
        longName = pax.getOrDefault("path", longName);
        longLink = pax.getOrDefault("linkpath", longLink);
        continue;
      }
      if (type == 'g') {
        continue;
      }
      String name = ascii(header, 0, 100);
      String prefix = ascii(header, 345, 155);
      if (longName != null) {
        name = longName;
      } else if (!prefix.isEmpty()) {
        name = prefix + "/" + name;
      }
      String link = longLink != null ? longLink : ascii(header, 157, 100);
      longName = null;
      longLink = null;
      int mode = Integer.parseInt(ascii(header, 100, 8).strip(), 8) & 07777;
      String normalised = name.replaceFirst("^\\./", "").replaceFirst("^/", "").replaceFirst("/$", "");
      if (!normalised.isEmpty() && !normalised.equals(".")) {
        entries.put(normalised, new Entry(normalised, type, mode, ascii(header, 265, 32), ascii(header, 297, 32), link, content));
      }
    }
  }

  private static Map<String, String> pax(byte[] content) {
    Map<String, String> records = new LinkedHashMap<>();
    String text = new String(content, StandardCharsets.UTF_8);
    int i = 0;
    while (i < text.length()) {
      int space = text.indexOf(' ', i);
      int length = Integer.parseInt(text.substring(i, space));
      String record = text.substring(space + 1, i + length - 1); // without the trailing newline
      int eq = record.indexOf('=');
      records.put(record.substring(0, eq), record.substring(eq + 1));
      i += length;
    }
    return records;
  }

  private static boolean isZero(byte[] block) {
    for (byte b : block) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  private static String cString(byte[] bytes) {
    int end = 0;
    while (end < bytes.length && bytes[end] != 0) {
      end++;
    }
    return new String(bytes, 0, end, StandardCharsets.UTF_8);
  }

  private static String ascii(byte[] bytes, int offset, int length) {
    int end = offset;
    while (end < offset + length && bytes[end] != 0) {
      end++;
    }
    return new String(bytes, offset, end - offset, StandardCharsets.UTF_8);
  }
}
