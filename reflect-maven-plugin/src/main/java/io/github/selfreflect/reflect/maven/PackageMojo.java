package io.github.selfreflect.reflect.maven;

import io.github.selfreflect.reflect.cache.BaselineCache;
import io.github.selfreflect.reflect.dataset.DatasetArchive;
import io.github.selfreflect.reflect.dataset.DatasetFormat;
import io.github.selfreflect.reflect.dataset.DeterministicZip;
import io.github.selfreflect.reflect.dataset.OutputFile;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.inject.Inject;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;
import org.apache.maven.project.MavenProjectHelper;

/**
 * Packs the dataset that {@code reflect:generate} wrote into the project's artifacts: the main
 * artifact, one reproducible zip holding {@code manifest.json}, the dataset card {@code README.md}
 * and every data file the manifest lists; the SFT and preference files attached on their own
 * (classifiers {@code sft} and {@code preference}, type {@code jsonl}), so a consumer can depend
 * on just the file it needs; and the reflections the dataset was made from (classifier {@code
 * reflect-cache}, type {@code zip}), which a later release can use as its baseline.
 *
 * <p>Bound to the {@code package} phase of the {@code training-data} packaging. In a project of
 * another packaging the dataset zip is attached with the classifier {@code dataset} instead.
 *
 * <p>Every entry carries {@code project.build.outputTimestamp}, so two builds of the same commit
 * give byte-identical artifacts.
 *
 * @since 0.1.0
 */
@Mojo(name = "package", defaultPhase = LifecyclePhase.PACKAGE, threadSafe = true)
public final class PackageMojo extends AbstractMojo {

  /** The packaging this plugin defines. */
  static final String PACKAGING = "training-data";

  /** The classifier of the released cache. */
  static final String CACHE_CLASSIFIER = "reflect-cache";

  /**
   * Where {@code reflect:generate} wrote the dataset.
   *
   * @since 0.1.0
   */
  @Parameter(
      property = "reflect.outputDirectory",
      defaultValue = "${project.build.directory}/reflect")
  private File outputDirectory;

  /**
   * Where {@code reflect:generate} wrote the cache entries the dataset was made from; packed and
   * attached with the classifier {@code reflect-cache}.
   *
   * @since 0.1.0
   */
  @Parameter(
      property = "reflect.cacheSnapshotDirectory",
      defaultValue = "${project.build.directory}/reflect-cache")
  private File cacheSnapshotDirectory;

  /**
   * Whether to attach the cache snapshot ({@code reflect-cache}). Turn it off for a dataset whose
   * raw model replies must not be published.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.attachCache", defaultValue = "true")
  private boolean attachCache;

  /**
   * The time every archive entry carries: an ISO-8601 date-time or seconds since 1970. Unset, the
   * entries carry 1980-01-01T00:00:00Z, so the archive stays reproducible.
   *
   * @since 0.1.0
   */
  @Parameter(defaultValue = "${project.build.outputTimestamp}")
  private String outputTimestamp;

  /**
   * The deflate level of the archives, 0 (no compression) to 9 (smallest). The default, 1, packs
   * JSONL about 5 times faster than zip's usual 6 for an archive about a sixth larger: a large
   * dataset is gigabytes, and at level 6 packing it took 4 times as long as generating it from a
   * warm cache. The level is part of the archive's bytes, so builds that must match use the same
   * one.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.compressionLevel", defaultValue = "1")
  private int compressionLevel;

  /**
   * Skips the goal. In a {@code training-data} project the archive is the main artifact, so
   * without it {@code install} and {@code deploy} refuse the project; to build a multi-module
   * project without the dataset, leave its module out ({@code -pl '!module'}) instead.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.skip", defaultValue = "false")
  private boolean skip;

  @Parameter(defaultValue = "${project.build.directory}", readonly = true, required = true)
  private File buildDirectory;

  @Parameter(defaultValue = "${project.build.finalName}", readonly = true, required = true)
  private String finalName;

  @Parameter(defaultValue = "${project}", readonly = true, required = true)
  private MavenProject project;

  private final MavenProjectHelper projectHelper;

  @Inject
  public PackageMojo(MavenProjectHelper projectHelper) {
    this.projectHelper = projectHelper;
  }

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (skip) {
      getLog().info("Skipping reflect:package (reflect.skip)");
      if (PACKAGING.equals(project.getPackaging())) {
        // Maven's install and deploy then fail with a message that does not say why.
        getLog().warn(
            "reflect.skip: no dataset archive, so this training-data project has no main artifact;"
                + " install and deploy will refuse it. To build the other modules without it, leave"
                + " it out: -pl '!" + project.getArtifactId() + "'");
      }
      return;
    }
    if (compressionLevel < 0 || compressionLevel > 9) {
      throw new MojoFailureException(
          "reflect.compressionLevel must be 0 (no compression) to 9 (smallest), found "
              + compressionLevel);
    }
    Instant timestamp = timestamp();
    Path dataset = outputDirectory.toPath();
    Path zip = buildDirectory.toPath().resolve(finalName + ".zip");
    List<OutputFile> files;
    try {
      files = DatasetArchive.write(dataset, zip, timestamp, compressionLevel);
    } catch (IOException e) {
      throw new MojoFailureException("reflect:package: " + e.getMessage(), e);
    }
    if (PACKAGING.equals(project.getPackaging())) {
      project.getArtifact().setFile(zip.toFile());
    } else {
      projectHelper.attachArtifact(project, "zip", "dataset", zip.toFile());
    }
    getLog().info("Dataset archive: " + zip + " (" + files.size() + " data files)");
    for (DatasetFormat format : List.of(DatasetFormat.SFT, DatasetFormat.PREFERENCE)) {
      Optional<OutputFile> file =
          files.stream().filter(f -> f.name().equals(format.fileName())).findFirst();
      if (file.isPresent()) {
        projectHelper.attachArtifact(
            project, "jsonl", format.id(), dataset.resolve(format.fileName()).toFile());
      }
    }
    if (attachCache) {
      attachCacheSnapshot(timestamp);
    }
  }

  private void attachCacheSnapshot(Instant timestamp) throws MojoFailureException {
    Path records = cacheSnapshotDirectory.toPath().resolve(BaselineCache.RECORDS_ENTRY);
    if (!Files.isRegularFile(records)) {
      throw new MojoFailureException(
          "reflect:package: no cache snapshot at "
              + records
              + " (run reflect:generate first, or set reflect.attachCache=false)");
    }
    Path zip = buildDirectory.toPath().resolve(finalName + "-" + CACHE_CLASSIFIER + ".zip");
    try {
      DeterministicZip.write(
          zip, Map.of(BaselineCache.RECORDS_ENTRY, records), timestamp, compressionLevel);
    } catch (IOException e) {
      throw new MojoFailureException("reflect:package: writing " + zip + ": " + e.getMessage(), e);
    }
    projectHelper.attachArtifact(project, "zip", CACHE_CLASSIFIER, zip.toFile());
  }

  private Instant timestamp() throws MojoFailureException {
    try {
      return OutputTimestamp.parse(outputTimestamp)
          .orElseGet(
              () -> {
                getLog()
                    .info(
                        "project.build.outputTimestamp is not set: archive entries carry"
                            + " 1980-01-01T00:00:00Z");
                return Instant.EPOCH;
              });
    } catch (IllegalArgumentException e) {
      throw new MojoFailureException(e.getMessage(), e);
    }
  }
}
