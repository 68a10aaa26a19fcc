package io.github.selfreflect.reflect.report;

import io.github.selfreflect.reflect.dataset.AtomicFiles;
import io.github.selfreflect.reflect.dataset.OutputFile;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The page while it is written: a hidden partial file, hashed on the way, renamed into place only
 * when complete, so that a reader never opens half a report.
 */
final class ReportFile {

  private final Path target;
  private final Path partial;
  private final FileChannel channel;
  private final MessageDigest digest;
  private final CountingStream out;
  private boolean done;

  private ReportFile(Path target) throws IOException {
    this.target = target;
    this.partial = AtomicFiles.partialOf(target);
    Files.createDirectories(target.getParent());
    this.channel =
        FileChannel.open(
            partial,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE);
    this.digest = sha256();
    this.out =
        new CountingStream(
            new DigestOutputStream(
                new BufferedOutputStream(Channels.newOutputStream(channel), 64 * 1024), digest));
  }

  static ReportFile create(Path target) throws IOException {
    return new ReportFile(target);
  }

  OutputStream stream() {
    return out;
  }

  void write(String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Forces the page to disk, renames it into place and describes it. */
  OutputFile commit(long records) throws IOException {
    try {
      out.flush();
      channel.force(true);
    } finally {
      out.close();
    }
    AtomicFiles.moveIntoPlace(partial, target);
    done = true;
    return new OutputFile(
        target.getFileName().toString(), out.count, records, HexFormat.of().formatHex(digest.digest()));
  }

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

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /** Counts the bytes that pass, for the manifest's size. */
  private static final class CountingStream extends java.io.FilterOutputStream {
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
