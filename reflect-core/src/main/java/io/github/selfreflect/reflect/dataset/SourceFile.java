package io.github.selfreflect.reflect.dataset;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A chat file a dataset was made from, as the manifest records it: enough to tell, later, whether
 * a checkout holds exactly the inputs of a release.
 *
 * @param name the file's path relative to the chats directory, {@code /}-separated (as {@code
 *     ChatFiles.relativeName} gives it): no absolute path, no user or host name
 * @param bytes its size
 * @param sha256 the lower-case hex SHA-256 of its bytes
 */
public record SourceFile(String name, long bytes, String sha256) {

  public SourceFile {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(sha256, "sha256");
  }

  /** Reads {@code file} once and describes it under {@code name}. */
  public static SourceFile of(String name, Path file) throws IOException {
    MessageDigest digest = newSha256();
    long bytes = 0;
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
      byte[] buffer = new byte[64 * 1024];
      for (int n; (n = in.read(buffer)) >= 0; ) {
        bytes += n;
      }
    }
    return new SourceFile(name, bytes, HexFormat.of().formatHex(digest.digest()));
  }

  static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
