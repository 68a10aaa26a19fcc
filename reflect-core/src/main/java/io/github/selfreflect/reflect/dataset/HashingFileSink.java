package io.github.selfreflect.reflect.dataset;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One output file being written: lines go to a hidden partial file while its SHA-256, size and
 * line count are taken on the way, so the manifest never has to read the file back. {@link
 * #commit} forces it to disk and renames it into place; {@link #abort} deletes it.
 *
 * <p>Lines are gathered in a buffer of its own, and each full buffer is hashed and written in one
 * go: the dataset files of a large corpus are gigabytes, and the digest and the file are fed in
 * big blocks rather than line by line (or, for an assembled record, piece by piece).
 */
final class HashingFileSink {

  private static final int BUFFER_BYTES = 256 * 1024;

  private final String name;
  private final Path target;
  private final Path partial;
  private final FileChannel channel;
  private final MessageDigest digest;
  private final byte[] buffer = new byte[BUFFER_BYTES];
  private int buffered;
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
    put(json);
    endLine();
  }

  /** Writes one record: the pieces of {@code line} and a {@code \n}. */
  void writeLine(JsonLine line) throws IOException {
    for (byte[] piece : line.pieces()) {
      put(piece);
    }
    endLine();
  }

  private void put(byte[] piece) throws IOException {
    if (piece.length > buffer.length - buffered) {
      flush();
      if (piece.length > buffer.length) {
        digest.update(piece);
        writeFully(ByteBuffer.wrap(piece));
        bytes += piece.length;
        return;
      }
    }
    System.arraycopy(piece, 0, buffer, buffered, piece.length);
    buffered += piece.length;
    bytes += piece.length;
  }

  private void endLine() throws IOException {
    if (buffered == buffer.length) {
      flush();
    }
    buffer[buffered++] = '\n';
    bytes++;
    records++;
  }

  /** Hashes and writes what is buffered. */
  private void flush() throws IOException {
    if (buffered > 0) {
      digest.update(buffer, 0, buffered);
      writeFully(ByteBuffer.wrap(buffer, 0, buffered));
      buffered = 0;
    }
  }

  private void writeFully(ByteBuffer data) throws IOException {
    while (data.hasRemaining()) {
      channel.write(data);
    }
  }

  /** Makes the file durable under its real name and tells what was written. */
  OutputFile commit() throws IOException {
    try {
      flush();
      channel.force(true);
    } finally {
      channel.close();
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
      channel.close();
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
