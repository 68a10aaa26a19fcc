package io.github.selfreflect.reflect.dataset;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Puts finished files under their real names in one step, so that a reader (or a packager run
 * after a killed build) sees either the old file, the complete new one, or none: never half of
 * one.
 */
public final class AtomicFiles {

  private AtomicFiles() {}

  /** The name a file has while it is being written: hidden, and never a name a reader wants. */
  public static Path partialOf(Path target) {
    return target.resolveSibling("." + target.getFileName() + ".partial");
  }

  /** Renames {@code partial} (already forced to disk) to {@code target}, replacing it. */
  public static void moveIntoPlace(Path partial, Path target) throws IOException {
    try {
      Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      // Same directory, so every local file system supports it; this is for exotic ones.
      Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Writes {@code content} to {@code target} through a partial file and a rename. */
  static void write(Path target, byte[] content) throws IOException {
    Path partial = partialOf(target);
    try (FileChannel channel =
        FileChannel.open(
            partial,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ByteBuffer buffer = ByteBuffer.wrap(content);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(true);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(partial);
      throw e;
    }
    moveIntoPlace(partial, target);
    syncDirectory(target.getParent());
  }

  /**
   * Makes renames in {@code directory} durable (POSIX needs an fsync of the directory). Best
   * effort: where a directory cannot be opened (Windows) the file system journals renames anyway.
   */
  static void syncDirectory(Path directory) {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // not supported on this platform
    }
  }
}
