package io.github.selfreflect.reflect.cache;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.Set;

/**
 * The part of a cache one dataset was made from, written as a cache of its own ({@code
 * <dir>/v1/reflections.jsonl}) to be released beside the dataset (classifier {@code
 * reflect-cache}) and used as the baseline of a later release.
 *
 * <p>Why not release the cache folder as it is: its lines are in the order the replies arrived,
 * which depends on thread timing, and it may hold reflections of chats that were edited since.
 * The snapshot holds each entry the dataset used once, in corpus order, so two builds of the same
 * commit give the same bytes, and a release carries no more than it is made of.
 *
 * <p>Repeated keys (two identical conversations) are written once. Seen keys are remembered as
 * 64-bit fingerprints, so memory stays small for large corpora; a fingerprint collision (about
 * one in 10^8 for a million entries) would leave one entry out of the snapshot, which costs a
 * later baseline build one request and loses nothing.
 */
public final class CacheSnapshot implements Closeable {

  private final Path file;
  private final Path partial;
  private final OutputStream out;
  private final Set<Long> seen = new HashSet<>();
  private long entries;
  private boolean done;

  private CacheSnapshot(Path file) throws IOException {
    this.file = file;
    this.partial = file.resolveSibling("." + file.getFileName() + ".partial");
    this.out = new BufferedOutputStream(Files.newOutputStream(partial), 64 * 1024);
  }

  /** Starts a snapshot in {@code directory}, replacing an earlier one there. */
  public static CacheSnapshot create(Path directory) throws IOException {
    Path folder = directory.resolve("v" + JsonlReflectionCache.FORMAT_VERSION);
    Files.createDirectories(folder);
    Path file = folder.resolve(JsonlReflectionCache.FILE_NAME);
    Files.deleteIfExists(file);
    return new CacheSnapshot(file);
  }

  /** Adds an entry unless its key was added before. */
  public void add(CacheEntry entry) throws IOException {
    if (done) {
      throw new IllegalStateException("the cache snapshot is finished");
    }
    if (seen.add(KeyIndex.hash(entry.key()))) {
      out.write(CacheRecordCodec.encode(entry));
      out.write('\n');
      entries++;
    }
  }

  /** Puts the snapshot in place and returns its records file. */
  public Path finish() throws IOException {
    if (done) {
      throw new IllegalStateException("the cache snapshot is finished");
    }
    done = true;
    out.close();
    Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return file;
  }

  /** Entries written so far. */
  public long entries() {
    return entries;
  }

  /** Without {@link #finish}: removes the partial file. */
  @Override
  public void close() throws IOException {
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
}
