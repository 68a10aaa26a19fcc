package io.github.selfreflect.reflect.maven;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.maven.model.DeploymentRepository;
import org.apache.maven.model.DistributionManagement;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.project.MavenProject;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.RepositorySystemSession;
import org.eclipse.aether.artifact.Artifact;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.resolution.ArtifactRequest;
import org.eclipse.aether.resolution.ArtifactResolutionException;
import org.eclipse.aether.resolution.VersionRangeRequest;
import org.eclipse.aether.resolution.VersionRangeResolutionException;
import org.eclipse.aether.resolution.VersionRangeResult;
import org.eclipse.aether.version.Version;

/**
 * Finds the {@code reflect-cache} artifact of an earlier release of the same project in the
 * configured repositories (those of the POM and settings.xml, with their mirrors, proxies and
 * credentials, as the resolver session applies them) and in the release repository the project
 * deploys to, through the resolver API that Maven 3.8, 3.9 and 4 all give plugins.
 */
final class BaselineResolver {

  /** The baseline value that means "the newest release there is". */
  static final String LATEST = "LATEST";

  private final RepositorySystem system;
  private final RepositorySystemSession session;
  private final List<RemoteRepository> repositories;

  BaselineResolver(
      RepositorySystem system, RepositorySystemSession session, List<RemoteRepository> repositories) {
    this.system = system;
    this.session = session;
    this.repositories = repositories;
  }

  /**
   * The repositories to search for {@code project}'s releases: its remote repositories and, when
   * it names one, the release repository of its {@code <distributionManagement>}. Maven resolves
   * from the first only, but a data repository usually releases to a repository of its own that
   * it never lists as a source: without it {@code LATEST} would find nothing there and quietly pay
   * for every reflection again. The deploy repository gets the session's mirrors, proxies and
   * credentials like any other.
   */
  static List<RemoteRepository> releaseSources(
      RepositorySystem system, RepositorySystemSession session, MavenProject project) {
    List<RemoteRepository> sources = new ArrayList<>(project.getRemoteProjectRepositories());
    DistributionManagement distribution = project.getDistributionManagement();
    DeploymentRepository releases = distribution == null ? null : distribution.getRepository();
    if (releases == null || releases.getUrl() == null || releases.getUrl().isBlank()) {
      return sources;
    }
    boolean listed =
        sources.stream()
            .anyMatch(r -> r.getId().equals(releases.getId()) || r.getUrl().equals(releases.getUrl()));
    if (!listed) {
      RemoteRepository deployTarget =
          new RemoteRepository.Builder(
                  releases.getId() == null ? "releases" : releases.getId(), "default", releases.getUrl())
              .build();
      sources.addAll(system.newResolutionRepositories(session, List.of(deployTarget)));
    }
    return sources;
  }

  /** Where {@link #resolve} looks, in words for a message. */
  String searched() {
    return describe(repositories);
  }

  /**
   * Resolves the cache archive of {@code groupId:artifactId} at {@code baseline} (a version or
   * {@link #LATEST}). For {@code LATEST}: the highest release version other than {@code
   * currentVersion}, or empty when there is none yet (a first release has no baseline).
   *
   * @throws MojoFailureException when a named version cannot be resolved, saying from where
   */
  Optional<Resolved> resolve(String groupId, String artifactId, String baseline, String currentVersion)
      throws MojoFailureException {
    String version = baseline;
    if (LATEST.equals(baseline)) {
      Optional<String> latest = latestRelease(groupId, artifactId, currentVersion);
      if (latest.isEmpty()) {
        return Optional.empty();
      }
      version = latest.get();
    }
    Artifact artifact =
        new DefaultArtifact(groupId, artifactId, PackageMojo.CACHE_CLASSIFIER, "zip", version);
    try {
      File file =
          system
              .resolveArtifact(session, new ArtifactRequest(artifact, repositories, null))
              .getArtifact()
              .getFile();
      return Optional.of(new Resolved(artifact.toString(), file));
    } catch (ArtifactResolutionException e) {
      throw new MojoFailureException(
          "reflect.baseline="
              + baseline
              + ": cannot resolve "
              + artifact
              + " from "
              + describe(repositories)
              + (session.isOffline() ? " (offline: only the local repository is searched)" : "")
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private Optional<String> latestRelease(String groupId, String artifactId, String currentVersion)
      throws MojoFailureException {
    Artifact range =
        new DefaultArtifact(groupId, artifactId, PackageMojo.CACHE_CLASSIFIER, "zip", "[0,)");
    VersionRangeResult result;
    try {
      result = system.resolveVersionRange(session, new VersionRangeRequest(range, repositories, null));
    } catch (VersionRangeResolutionException e) {
      throw new MojoFailureException(
          "reflect.baseline=LATEST: cannot list the versions of "
              + groupId
              + ":"
              + artifactId
              + " in "
              + describe(repositories)
              + ": "
              + e.getMessage(),
          e);
    }
    List<Version> versions = result.getVersions();
    for (int i = versions.size() - 1; i >= 0; i--) {
      String v = versions.get(i).toString();
      if (!v.endsWith("-SNAPSHOT") && !v.equals(currentVersion)) {
        return Optional.of(v);
      }
    }
    return Optional.empty();
  }

  private static String describe(List<RemoteRepository> repositories) {
    if (repositories.isEmpty()) {
      return "the local repository";
    }
    StringBuilder text = new StringBuilder();
    for (RemoteRepository repository : repositories) {
      text.append(text.length() == 0 ? "" : ", ").append(repository.getId());
    }
    return "the repositories " + text;
  }

  /** A resolved cache archive: its coordinates and its file in the local repository. */
  record Resolved(String coordinates, File file) {}
}
