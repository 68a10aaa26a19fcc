package io.github.selfreflect.reflect.maven.it;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/** File chores of the invoker hook scripts, which have no Ant at hand. */
public final class ItFiles {

  private ItFiles() {}

  /** Copies the files under {@code from} into {@code to}, replacing files of the same name. */
  public static void copyTree(File from, File to) throws IOException {
    Path source = from.toPath();
    Path target = to.toPath();
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(source)) {
      paths = walk.toList();
    }
    for (Path path : paths) {
      Path copy = target.resolve(source.relativize(path).toString());
      if (Files.isDirectory(path)) {
        Files.createDirectories(copy);
      } else {
        Files.createDirectories(copy.getParent());
        Files.copy(path, copy, StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }
}
