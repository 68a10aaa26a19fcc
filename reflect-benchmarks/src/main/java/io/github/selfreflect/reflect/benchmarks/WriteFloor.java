package io.github.selfreflect.reflect.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * The least work a clean warm build cannot avoid, measured on this machine, so that its time can
 * be judged against something firmer than {@code sha256sum} over the input: a clean build reads
 * about 1 GB but writes several times that.
 *
 * <p>Whatever the implementation, a build of these formats must hash every request body into its
 * cache key (SHA-256 is the cache's key function), hash every dataset file for the manifest
 * (SHA-256 is the manifest's digest), and write the dataset files to disk (forced, as the build
 * forces them). The floor is that work spread perfectly over the machine's cores: hashing is
 * measured on the dataset files just written, and its rate applied to the request bytes too;
 * writing is measured by copying the dataset files through a buffer into a scratch folder, then
 * forcing them. Reading and parsing the chats and the cache, and assembling the records, are left
 * out: the floor is a generous lower bound, not an estimate.
 *
 * @param seconds the floor: (hashing the requests and the dataset + writing) / cores
 * @param datasetBytes the bytes of the dataset files
 * @param hashBytesPerSecond the SHA-256 rate measured over the dataset files
 * @param writeSeconds writing and forcing the dataset files, one thread
 * @param cores the cores the work is spread over
 */
record WriteFloor(
    double seconds, long datasetBytes, double hashBytesPerSecond, double writeSeconds, int cores) {

  private static final int BLOCK = 1 << 20;

  /** Measures with the files in {@code dataset}, copying them into {@code scratch} (deleted). */
  static WriteFloor measure(Path dataset, Path scratch, long requestBytes) throws IOException {
    List<Path> files = new ArrayList<>();
    try (var listing = Files.list(dataset)) {
      listing.filter(Files::isRegularFile).sorted().forEach(files::add);
    }
    long bytes = 0;
    long start = System.nanoTime();
    MessageDigest sha256 = sha256();
    ByteBuffer buffer = ByteBuffer.allocate(BLOCK);
    for (Path file : files) {
      try (FileChannel in = FileChannel.open(file)) {
        while (in.read(buffer.clear()) > 0) {
          sha256.update(buffer.flip());
        }
      }
      sha256.digest();
      bytes += Files.size(file);
    }
    double hashSeconds = (System.nanoTime() - start) / 1e9;

    Files.createDirectories(scratch);
    start = System.nanoTime();
    for (Path file : files) {
      try (FileChannel in = FileChannel.open(file);
          FileChannel out =
              FileChannel.open(
                  scratch.resolve(file.getFileName()),
                  StandardOpenOption.CREATE_NEW,
                  StandardOpenOption.WRITE)) {
        while (in.read(buffer.clear()) > 0) {
          buffer.flip();
          while (buffer.hasRemaining()) {
            out.write(buffer);
          }
        }
        out.force(true);
      }
    }
    double writeSeconds = (System.nanoTime() - start) / 1e9;
    for (Path file : files) {
      Files.delete(scratch.resolve(file.getFileName()));
    }
    Files.delete(scratch);

    double rate = bytes / hashSeconds;
    int cores = Runtime.getRuntime().availableProcessors();
    double floor = (hashSeconds + requestBytes / rate + writeSeconds) / cores;
    return new WriteFloor(floor, bytes, rate, writeSeconds, cores);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
