package io.github.selfreflect.reflect.dataset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HashingFileSinkTest {

  @TempDir Path dir;

  /**
   * Records small and large, whole and in pieces, so that lines, pieces and newlines fall on every
   * side of the buffer's edge, and background forces every 256 KiB running while it writes: the
   * file holds exactly the records, and the manifest's digest, size and count describe exactly
   * that file.
   */
  @Test
  void theFileAndItsDescriptionMatchWhatWasWritten() throws Exception {
    Random random = new Random(23);
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    HashingFileSink sink = HashingFileSink.create(dir, "x.jsonl", 256 * 1024);
    int records = 3000;
    for (int r = 0; r < records; r++) {
      int pieces = 1 + random.nextInt(5);
      JsonLine line = new JsonLine();
      for (int p = 0; p < pieces; p++) {
        int length = random.nextInt(50) == 0 ? random.nextInt(700_000) : random.nextInt(2000);
        byte[] piece = new byte[length];
        random.nextBytes(piece);
        line.add(piece);
        expected.writeBytes(piece);
      }
      if (random.nextBoolean()) {
        sink.writeLine(line);
      } else {
        sink.writeLine(line.toBytes());
      }
      expected.write('\n');
    }
    OutputFile file = sink.commit();

    byte[] written = Files.readAllBytes(dir.resolve("x.jsonl"));
    assertArrayEquals(expected.toByteArray(), written);
    assertEquals("x.jsonl", file.name());
    assertEquals(written.length, file.bytes());
    assertEquals(records, file.records());
    assertEquals(
        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(written)), file.sha256());
    assertFalse(Files.exists(AtomicFiles.partialOf(dir.resolve("x.jsonl"))));
  }

  @Test
  void abortLeavesNothing() throws IOException {
    HashingFileSink sink = HashingFileSink.create(dir, "y.jsonl", 1);
    sink.writeLine(new byte[300_000]); // past the buffer: written, and a background force started
    sink.writeLine(new byte[] {'{', '}'});
    sink.abort();
    assertFalse(Files.exists(dir.resolve("y.jsonl")));
    assertFalse(Files.exists(AtomicFiles.partialOf(dir.resolve("y.jsonl"))));
  }
}
