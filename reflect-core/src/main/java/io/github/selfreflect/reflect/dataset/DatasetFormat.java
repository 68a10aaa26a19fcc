package io.github.selfreflect.reflect.dataset;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A training-data file a build can write, chosen with {@code reflect.formats}. The manifest, the
 * dataset card and {@code failures.jsonl} are not formats: every dataset has them.
 */
public enum DatasetFormat {
  /** {@code sft.jsonl}: conversations ending in the improved answer. */
  SFT("sft", DatasetWriter.SFT),
  /** {@code preference.jsonl}: prompt, chosen (new) and rejected (old) answers. */
  PREFERENCE("preference", DatasetWriter.PREFERENCE),
  /** {@code reflections.jsonl}: the full record of every reflection, for people and audits. */
  REFLECTIONS("reflections", DatasetWriter.REFLECTIONS);

  private final String id;
  private final String fileName;

  DatasetFormat(String id, String fileName) {
    this.id = id;
    this.fileName = fileName;
  }

  /** The name used in {@code reflect.formats}, e.g. {@code sft}. */
  public String id() {
    return id;
  }

  /** The file it is written to, e.g. {@code sft.jsonl}. */
  public String fileName() {
    return fileName;
  }

  /** Every format: what a build writes unless told otherwise. */
  public static Set<DatasetFormat> all() {
    return Collections.unmodifiableSet(EnumSet.allOf(DatasetFormat.class));
  }

  /**
   * Parses a comma-separated list such as {@code sft,preference} (spaces and case ignored,
   * repeats allowed).
   *
   * @throws IllegalArgumentException naming the unknown entry and the known ones, or when the
   *     list names no format at all
   */
  public static Set<DatasetFormat> parseList(String list) {
    EnumSet<DatasetFormat> formats = EnumSet.noneOf(DatasetFormat.class);
    if (list != null) {
      for (String part : list.split(",")) {
        String id = part.strip().toLowerCase(Locale.ROOT);
        if (!id.isEmpty()) {
          formats.add(byId(id));
        }
      }
    }
    if (formats.isEmpty()) {
      throw new IllegalArgumentException(
          "expected at least one of " + knownIds() + ", found '" + (list == null ? "" : list) + "'");
    }
    return Collections.unmodifiableSet(formats);
  }

  private static DatasetFormat byId(String id) {
    for (DatasetFormat format : values()) {
      if (format.id.equals(id)) {
        return format;
      }
    }
    throw new IllegalArgumentException(
        "unknown dataset format '" + id + "': expected a comma-separated list of " + knownIds());
  }

  private static String knownIds() {
    List<String> ids = new ArrayList<>();
    for (DatasetFormat format : values()) {
      ids.add(format.id);
    }
    return String.join(", ", ids);
  }
}
