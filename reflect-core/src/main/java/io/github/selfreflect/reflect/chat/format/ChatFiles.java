package io.github.selfreflect.reflect.chat.format;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Finds the chat files of a chats directory, in an order that is the same on every machine: the
 * dataset is written in this order, and a reproducible build needs it not to depend on the file
 * system's listing order or on the OS's path separator.
 */
public final class ChatFiles {

  private ChatFiles() {}

  /**
   * Every {@code *.json} and {@code *.jsonl} file under {@code chatsDir}, recursively (extension
   * matched in any case), sorted by {@link #relativeName}. Symbolic links to files are listed;
   * linked directories are not entered, so a link cycle cannot loop.
   *
   * @param chatsDir the directory that holds the chat files
   * @return the files, as paths under {@code chatsDir}; empty when there are none
   * @throws NoSuchFileException if {@code chatsDir} does not exist, naming it
   * @throws FileSystemException if {@code chatsDir} is not a directory, naming it
   */
  public static List<Path> list(Path chatsDir) throws IOException {
    if (!Files.exists(chatsDir)) {
      throw new NoSuchFileException(
          chatsDir.toString(), null, "the chats directory does not exist");
    }
    if (!Files.isDirectory(chatsDir)) {
      throw new FileSystemException(
          chatsDir.toString(), null, "the chats directory is not a directory");
    }
    try (Stream<Path> paths = Files.walk(chatsDir)) {
      return paths
          .filter(ChatFiles::isChatFileName)
          .filter(Files::isRegularFile)
          .map(file -> new Named(relativeName(chatsDir, file), file))
          .sorted(Comparator.comparing(Named::name))
          .map(Named::file)
          .collect(Collectors.toUnmodifiableList());
    } catch (UncheckedIOException e) {
      throw e.getCause(); // a sub-directory that cannot be read, say: keep the checked exception
    }
  }

  /**
   * {@code file}'s path relative to {@code chatsDir}, with {@code /} between the names whatever the
   * OS: {@code sharegpt/day1.jsonl}. This is how problems, conversations and derived ids name the
   * file, so that they are the same on Windows and Linux.
   *
   * @param chatsDir the chats directory
   * @param file a file inside it
   * @return the relative name, never empty
   * @throws IllegalArgumentException if {@code file} is not inside {@code chatsDir}
   */
  public static String relativeName(Path chatsDir, Path file) {
    Path dir = chatsDir.toAbsolutePath().normalize();
    Path target = file.toAbsolutePath().normalize();
    if (!target.startsWith(dir) || target.equals(dir)) {
      throw new IllegalArgumentException(file + " is not inside the chats directory " + chatsDir);
    }
    Path relative = dir.relativize(target);
    StringBuilder name = new StringBuilder();
    for (Path element : relative) {
      if (name.length() > 0) {
        name.append('/');
      }
      name.append(element);
    }
    return name.toString();
  }

  private static boolean isChatFileName(Path file) {
    Path fileName = file.getFileName();
    if (fileName == null) {
      return false;
    }
    String name = fileName.toString().toLowerCase(Locale.ROOT);
    return name.endsWith(".json") || name.endsWith(".jsonl");
  }

  private record Named(String name, Path file) {}
}
