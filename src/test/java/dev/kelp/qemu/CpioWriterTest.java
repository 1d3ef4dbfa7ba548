package dev.kelp.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kelp.util.Proc;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Archives written by CpioWriter, read back by GNU cpio. */
class CpioWriterTest {
    @TempDir
    Path tmp;

    private Path archive() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] random = new byte[70_001];
        new Random(7).nextBytes(random);
        try (CpioWriter cpio = new CpioWriter(bytes)) {
            cpio.directories("lib/modules/6.1.0-1-amd64/kernel");
            cpio.file("/lib/modules/6.1.0-1-amd64/kernel/a.ko", 0644, random);
            cpio.file("init", 0755, "#!/bin/sh\necho hi\n".getBytes());
            cpio.file("empty", 0600, new byte[0]);
            cpio.directories("bin");
            cpio.symlink("bin/sh", "busybox");
            cpio.charDevice("dev/console", 0600, 5, 1);
        }
        Path file = tmp.resolve("a.cpio");
        Files.write(file, bytes.toByteArray());
        Files.write(tmp.resolve("random"), random);
        return file;
    }

    @Test
    void gnuCpioListsEveryEntryWithItsTypeAndMode() throws Exception {
        Path file = archive();
        String listing = Proc.of("sh", "-c", "cpio -itv --quiet < " + file).check("cpio -t").stdout();
        List<String> lines = listing.lines().toList();

        assertThat(lines).hasSize(10);
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("drwxr-xr-x").endsWith(" lib/modules"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("-rwxr-xr-x").endsWith(" init"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("-rw-------").endsWith(" empty"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("lrwxrwxrwx").endsWith(" bin/sh -> busybox"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("crw-------").contains("5,").endsWith("dev/console"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains(" 70001 ").endsWith("kernel/a.ko"));
    }

    @Test
    void gnuCpioExtractsTheSameBytes() throws Exception {
        Path file = archive();
        Path out = Files.createDirectory(tmp.resolve("out"));
        Proc.of("sh", "-c", "cpio -id --quiet --no-absolute-filenames < " + file + " init empty 'lib/*' 'bin/*'")
                .dir(out).check("cpio -i");

        assertThat(out.resolve("lib/modules/6.1.0-1-amd64/kernel/a.ko")).hasSameBinaryContentAs(tmp.resolve("random"));
        assertThat(out.resolve("init")).hasContent("#!/bin/sh\necho hi");
        assertThat(out.resolve("init")).isExecutable();
        assertThat(out.resolve("empty")).isEmptyFile();
        assertThat(Files.readSymbolicLink(out.resolve("bin/sh"))).isEqualTo(Path.of("busybox"));
    }

    @Test
    void refusesDuplicatesAndPathsLeavingTheArchive() throws Exception {
        try (CpioWriter cpio = new CpioWriter(new ByteArrayOutputStream())) {
            cpio.file("a", 0644, new byte[1]);
            assertThatThrownBy(() -> cpio.file("/a", 0644, new byte[1])).hasMessageContaining("duplicate cpio entry a");
            assertThatThrownBy(() -> cpio.file("../etc/passwd", 0644, new byte[1])).hasMessageContaining("bad cpio path");
            assertThatThrownBy(() -> cpio.file("x/../../y", 0644, new byte[1])).hasMessageContaining("bad cpio path");
        }
    }
}
