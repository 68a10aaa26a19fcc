package io.github.selfreflect.reflect.pipeline;

import io.github.selfreflect.reflect.dataset.DatasetCard;
import io.github.selfreflect.reflect.dataset.DatasetFormat;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * What the write pass produces besides what every dataset has (failures, manifest, card).
 *
 * @param formats the training-data files to write
 * @param card what the dataset card says about the data's name, licence and languages
 * @param cacheSnapshotDirectory where to write the cache entries this dataset was made from, in
 *     corpus order (the {@code reflect-cache} artifact of a release); null for none
 */
public record DatasetOptions(Set<DatasetFormat> formats, DatasetCard card, Path cacheSnapshotDirectory) {

  /** Every format, a default card, no snapshot. */
  public static final DatasetOptions DEFAULT =
      new DatasetOptions(DatasetFormat.all(), DatasetCard.DEFAULT, null);

  public DatasetOptions {
    Objects.requireNonNull(card, "card");
    if (formats.isEmpty()) {
      throw new IllegalArgumentException("at least one dataset format must be chosen");
    }
    formats = Set.copyOf(EnumSet.copyOf(formats));
  }
}
