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
 *
 * <p>Every {@value #SYNC_EVERY_BYTES} bytes it starts forcing what is written so far to the
 * device, on a thread of its own, while writing goes on: the page cache would otherwise hold the
 * whole file until {@link #commit}, and forcing gigabytes there made the build wait for the disk
 * after all the work was done. {@link #commit} still forces everything (data and size) before the
 * rename; it just finds little left to do.
 */
final class HashingFileSink {

  private static final int BUFFER_BYTES = 256 * 1024;

  /** How much is written between two background forces. */
  static final long SYNC_EVERY_BYTES = 64L << 20;

  private final String name;
  private final Path target;
  private final Path partial;
  private final FileChannel channel;
  private final MessageDigest digest;
  private final byte[] buffer = new byte[BUFFER_BYTES];
  private final long syncEveryBytes;
  private int buffered;
  private long unsynced;
  /** The background force under way, or null; at most one per file. */
  private Thread syncing;

  private volatile IOException syncFailure;
  private long bytes;
  private long records;
  private boolean done;

  private HashingFileSink(Path directory, String name, long syncEveryBytes) throws IOException {
    this.name = name;
    this.syncEveryBytes = syncEveryBytes;
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
    return create(directory, name, SYNC_EVERY_BYTES);
  }

  /** As {@link #create(Path, String)}, forcing in the background every {@code syncEveryBytes}. */
  static HashingFileSink create(Path directory, String name, long syncEveryBytes)
      throws IOException {
    return new HashingFileSink(directory, name, syncEveryBytes);
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
    unsynced += data.remaining();
    while (data.hasRemaining()) {
      channel.write(data);
    }
    if (unsynced >= syncEveryBytes && (syncing == null || !syncing.isAlive())) {
      unsynced = 0;
      syncing = new Thread(this::syncInBackground, "reflect-dataset-sync");
      syncing.setDaemon(true);
      syncing.start();
    }
  }

  private void syncInBackground() {
    try {
      channel.force(false);
    } catch (IOException e) {
      syncFailure = e; // reported by commit, which must not claim a durable file
    }
  }

  /** Waits for the background force, if one is under way. */
  private void awaitSync() throws IOException {
    if (syncing == null) {
      return;
    }
    boolean interrupted = false;
    while (syncing.isAlive()) {
      try {
        syncing.join();
      } catch (InterruptedException e) {
        interrupted = true; // the force ends by itself; the file must not close under it
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Makes the file durable under its real name and tells what was written. */
  OutputFile commit() throws IOException {
    try {
      flush();
      awaitSync();
      if (syncFailure != null) {
        throw syncFailure;
      }
      channel.force(true);
    } finally {
      awaitSync();
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
      awaitSync();
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
