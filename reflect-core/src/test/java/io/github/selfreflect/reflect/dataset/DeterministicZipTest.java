package io.github.selfreflect.reflect.dataset;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeterministicZipTest {

  private static final Instant TIME = Instant.parse("2026-11-24T10:20:31Z");

  @TempDir Path dir;

  private Map<String, Path> entries(String... namesAndContents) throws IOException {
    Map<String, Path> entries = new LinkedHashMap<>();
    for (int i = 0; i < namesAndContents.length; i += 2) {
      Path file = dir.resolve("in" + i);
      Files.writeString(file, namesAndContents[i + 1], UTF_8);
      entries.put(namesAndContents[i], file);
    }
    return entries;
  }

  @Test
  void entriesAreInNameOrderWithTheGivenTimeInUtcAndNoExtraFields() throws IOException {
    Path zip = dir.resolve("a.zip");
    DeterministicZip.write(zip, entries("sft.jsonl", "s\n", "README.md", "# r\n", "manifest.json", "{}\n"), TIME);
    try (ZipFile file = new ZipFile(zip.toFile())) {
      List<String> names = new ArrayList<>();
      for (ZipEntry entry : file.stream().toList()) {
        names.add(entry.getName());
        // DOS time: two-second steps, so :31 is stored as :30.
        assertEquals(LocalDateTime.parse("2026-11-24T10:20:30"), entry.getTimeLocal());
        assertNull(entry.getExtra(), entry.getName());
        assertNull(entry.getComment());
      }
      assertEquals(List.of("README.md", "manifest.json", "sft.jsonl"), names);
      assertEquals("s\n", new String(file.getInputStream(file.getEntry("sft.jsonl")).readAllBytes(), UTF_8));
    }
    assertFalse(Files.exists(dir.resolve(".a.zip.partial")));
  }

  @Test
  void theLevelIsTheCallersAndEachLevelGivesItsOwnReproducibleBytes() throws IOException {
    StringBuilder jsonl = new StringBuilder();
    for (int i = 0; i < 2_000; i++) {
      jsonl.append("{\"messages\":[{\"role\":\"user\",\"content\":\"question ").append(i % 37)
          .append("\"},{\"role\":\"assistant\",\"content\":\"answer ").append(i % 41).append("\"}]}\n");
    }
    Map<String, Path> content = entries("sft.jsonl", jsonl.toString());
    Map<Integer, byte[]> byLevel = new LinkedHashMap<>();
    for (int level : new int[] {0, 1, 9}) {
      Path zip = dir.resolve("l" + level + ".zip");
      DeterministicZip.write(zip, content, TIME, level);
      byLevel.put(level, Files.readAllBytes(zip));
      Path again = dir.resolve("l" + level + "-again.zip");
      DeterministicZip.write(again, content, TIME, level);
      assertArrayEquals(byLevel.get(level), Files.readAllBytes(again), "level " + level + " twice");
      try (ZipFile file = new ZipFile(zip.toFile())) {
        assertEquals(
            jsonl.toString(),
            new String(file.getInputStream(file.getEntry("sft.jsonl")).readAllBytes(), UTF_8));
      }
    }
    assertTrue(byLevel.get(0).length > byLevel.get(1).length, "0 stores, 1 compresses");
    assertTrue(byLevel.get(1).length >= byLevel.get(9).length, "9 is the smallest");
    Path defaultLevel = dir.resolve("default.zip");
    DeterministicZip.write(defaultLevel, content, TIME);
    assertArrayEquals(byLevel.get(DeterministicZip.DEFAULT_LEVEL), Files.readAllBytes(defaultLevel));
    assertThrows(
        IllegalArgumentException.class,
        () -> DeterministicZip.write(dir.resolve("bad.zip"), content, TIME, 10));
  }

  @Test
  void sameEntriesGiveSameBytesWhateverTheTimeZoneInputOrderAndFileTimes() throws IOException {
    Path first = dir.resolve("first.zip");
    Path second = dir.resolve("second.zip");
    DeterministicZip.write(first, entries("b", "2", "a", "1"), TIME);
    TimeZone original = TimeZone.getDefault();
    try {
      TimeZone.setDefault(TimeZone.getTimeZone("Pacific/Kiritimati"));
      Map<String, Path> reversed = new LinkedHashMap<>();
      Map<String, Path> again = entries("a", "1", "b", "2");
      for (Path file : again.values()) {
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2001-01-01T00:00:00Z")));
      }
      reversed.putAll(again);
      DeterministicZip.write(second, reversed, TIME);
    } finally {
      TimeZone.setDefault(original);
    }
    assertArrayEquals(Files.readAllBytes(first), Files.readAllBytes(second));
  }

  @Test
  void timesBefore1980AreStoredAsTheDosEpochAndAfter2107Refused() {
    assertEquals(DeterministicZip.DOS_EPOCH, DeterministicZip.dosTime(Instant.EPOCH));
    assertThrows(
        IllegalArgumentException.class,
        () -> DeterministicZip.dosTime(Instant.parse("2108-01-01T00:00:00Z")));
  }

  @Test
  void namesThatCouldEscapeTheUnpackFolderAreRefused() throws IOException {
    for (String bad : List.of("../x", "/abs", "a/../b", "a\\b", "", "a//b", "./a")) {
      Map<String, Path> entries = entries(bad, "x");
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> DeterministicZip.write(dir.resolve("bad.zip"), entries, TIME),
              bad);
      assertEquals("not a relative zip entry name: '" + bad + "'", e.getMessage());
    }
  }
}
