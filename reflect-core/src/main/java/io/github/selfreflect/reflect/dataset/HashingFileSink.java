package io.github.selfreflect.reflect.dataset;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One output file being written: lines go to a hidden partial file while its SHA-256, size and
 * line count are taken on the way, so the manifest never has to read the file back. {@link
 * #commit} forces it to disk and renames it into place; {@link #abort} deletes it.
 */
final class HashingFileSink {

  private final String name;
  private final Path target;
  private final Path partial;
  private final FileChannel channel;
  private final MessageDigest digest;
  private final OutputStream out;
  private long bytes;
  private long records;
  private boolean done;

  private HashingFileSink(Path directory, String name) throws IOException {
    this.name = name;
    this.target = directory.resolve(name);
    this.partial = AtomicFiles.partialOf(target);
    this.channel =
        FileChannel.open(
            partial,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE);
    this.digest = sha256();
    this.out =
        new DigestOutputStream(
            new BufferedOutputStream(Channels.newOutputStream(channel), 64 * 1024), digest);
  }

  static HashingFileSink create(Path directory, String name) throws IOException {
    return new HashingFileSink(directory, name);
  }

  String name() {
    return name;
  }

  Path directory() {
    return target.getParent();
  }

  /** Writes one record: {@code json} and a {@code \n}. */
  void writeLine(byte[] json) throws IOException {
    out.write(json);
    out.write('\n');
    bytes += json.length + 1L;
    records++;
  }

  /** Makes the file durable under its real name and tells what was written. */
  OutputFile commit() throws IOException {
    try {
      out.flush();
      channel.force(true);
    } finally {
      out.close();
    }
    AtomicFiles.moveIntoPlace(partial, target);
    done = true;
    return new OutputFile(name, bytes, records, HexFormat.of().formatHex(digest.digest()));
  }

  /** Throws the partial file away; nothing appears under the real name. */
  void abort() throws IOException {
    if (done) {
      return;
    }
    done = true;
    try {
      out.close();
    } finally {
      Files.deleteIfExists(partial);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
