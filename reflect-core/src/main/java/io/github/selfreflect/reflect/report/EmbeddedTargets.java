package io.github.selfreflect.reflect.report;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The targets a page embeds: an even spread of at most {@code max} targets of a corpus whose size
 * is known only at its end. Target {@code i} is kept while {@code i} is a multiple of the stride;
 * whenever more than {@code max} are kept, the stride doubles and every other kept target goes. So
 * the page ends up with every stride-th target, for the smallest power-of-two stride that fits,
 * whatever order of events led there: a build that counted its targets first and one that writes
 * the report in the same pass that finds them (the one-pass warm build) embed the same targets and
 * write the same bytes.
 *
 * <p>A kept target's JSON is written once, to a hidden file beside the page, and copied into the
 * page at the end; memory holds only the positions of at most {@code max + 1} of them.
 */
final class EmbeddedTargets implements Closeable {

  private final Path file;
  private final CountingStream out;
  private final JsonGenerator json;
  private final int max;

  private long stride = 1;
  private long offered;
  // Parallel arrays of the kept targets, in corpus order: index, where its JSON starts and ends.
  private final long[] index;
  private final long[] start;
  private final long[] end;
  private int size;
  private boolean open;

  private EmbeddedTargets(Path file, int max) throws IOException {
    this.file = file;
    this.max = max;
    this.index = new long[max + 1];
    this.start = new long[max + 1];
    this.end = new long[max + 1];
    this.out =
        new CountingStream(
            new BufferedOutputStream(
                Files.newOutputStream(
                    file,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE),
                64 * 1024));
    this.json = ScriptSafeJson.generator(out);
  }

  /** Starts the hidden file {@code file}; {@link #close} deletes it. */
  static EmbeddedTargets create(Path file, int max) throws IOException {
    return new EmbeddedTargets(file, max);
  }

  /**
   * Offers the next target of the corpus: returns the generator to write its one JSON object to,
   * then call {@link #end}; or null when the target is not kept.
   */
  JsonGenerator begin() throws IOException {
    long i = offered++;
    if (i % stride != 0) {
      return null;
    }
    json.flush();
    index[size] = i;
    start[size] = out.count;
    open = true;
    return json;
  }

  /** Ends the target {@link #begin} returned the generator for. */
  void end() throws IOException {
    if (!open) {
      throw new IllegalStateException("end() without a kept target");
    }
    open = false;
    json.flush();
    end[size] = out.count;
    size++;
    if (size > max) {
      stride *= 2;
      int kept = 0;
      for (int k = 0; k < size; k++) {
        if (index[k] % stride == 0) {
          index[kept] = index[k];
          start[kept] = start[k];
          end[kept] = end[k];
          kept++;
        }
      }
      size = kept; // the dropped JSON stays in the file, unread
    }
  }

  /** How many targets are kept. */
  int size() {
    return size;
  }

  /** Writes the kept targets' JSON to {@code page}, separated by a comma and a line break. */
  void copyTo(OutputStream page) throws IOException {
    json.flush();
    out.flush();
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      byte[] bytes = new byte[64 * 1024];
      for (int k = 0; k < size; k++) {
        if (k > 0) {
          page.write(',');
          page.write('\n');
        }
        long position = start[k];
        while (position < end[k]) {
          int length = (int) Math.min(bytes.length, end[k] - position);
          ByteBuffer buffer = ByteBuffer.wrap(bytes, 0, length);
          while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
              throw new IOException("the report's target file " + file + " ended early");
            }
          }
          page.write(bytes, 0, length);
          position += length;
        }
      }
    }
  }

  /** Deletes the hidden file. Idempotent. */
  @Override
  public void close() throws IOException {
    try {
      json.close();
      out.close();
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /** Counts the bytes that reach the file, so that a target's JSON can be found again. */
  private static final class CountingStream extends FilterOutputStream {
    long count;

    CountingStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }
  }
}
