package io.github.selfreflect.reflect.dataset;

import java.util.Objects;

/**
 * One file a writer produced, as the manifest lists it.
 *
 * @param name the file name inside the output directory, e.g. {@code sft.jsonl}
 * @param bytes its size
 * @param records how many records (lines) it holds
 * @param sha256 the lower-case hex SHA-256 of its bytes, computed while they were written
 */
public record OutputFile(String name, long bytes, long records, String sha256) {

  public OutputFile {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(sha256, "sha256");
  }
}
