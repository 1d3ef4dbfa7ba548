package dev.kelp.symbols;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.kelp.arch.registry.BootImages;
import dev.kelp.util.KelpException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kallsyms decoded from Debian's vmlinuz against /proc/kallsyms of the same kernel booted in QEMU
 * (whatever 6.1 build is installed: see {@link CapturedKernel}).
 */
class VmlinuzKallsymsTest {
    static CapturedKernel kernel;
    static KernelSymbols db;

    @BeforeAll
    static void load() {
        kernel = CapturedKernel.find();
        db = KernelSymbols.load(new SymbolSource.Vmlinuz(kernel.vmlinuz));
        // CapturedKernel picks the listing of this very build (stored, or captured now).
        if (!db.image().banner().equals(kernel.procVersion)) {
            fail(kernel.procKallsyms() + " was not captured from " + kernel.vmlinuz + " (image: '"
                    + db.image().banner() + "', captured: '" + kernel.procVersion + "')");
        }
    }

    @Test
    void everyLineEqualsProcKallsymsOfTheBootedKernel() {
        List<String> fromImage = new ArrayList<>();
        for (KSym s : db.symbols(KernelSymbols.VMLINUX)) {
            fromImage.add(s.hexAddress() + " " + s.type() + " " + s.name());
        }
        List<String> proc = kernel.vmlinuxLines();
        assertThat(proc).hasSizeGreaterThan(10_000).noneMatch(l -> l.contains("\t["));
        // Compare line by line so that a failure names the first differing position.
        for (int i = 0; i < Math.min(proc.size(), fromImage.size()); i++) {
            if (!proc.get(i).equals(fromImage.get(i))) {
                fail("line " + (i + 1) + ": /proc/kallsyms has '" + proc.get(i) + "', the image gives '"
                        + fromImage.get(i) + "'");
            }
        }
        assertThat(fromImage).hasSameSizeAs(proc);
    }

    @Test
    void perCpuSymbolsAreAbsoluteAsInProcKallsyms() {
        // scripts/kallsyms retypes per-cpu symbols 'A' (System.map says D/d): the image agrees with /proc.
        KSym start = db.lookup(KernelSymbols.VMLINUX, "__per_cpu_start").get(0);
        KSym end = db.lookup(KernelSymbols.VMLINUX, "__per_cpu_end").get(0);
        assertThat(start.type()).isEqualTo('A');
        assertThat(start.address()).isZero();
        List<KSym> percpu = db.symbols(KernelSymbols.VMLINUX).subList(start.index(), end.index() + 1);
        assertThat(percpu).hasSizeGreaterThan(100).allMatch(s -> s.type() == 'A');
        assertThat(db.symbols(KernelSymbols.VMLINUX).get(end.index() + 1).address())
                .isEqualTo(0xffffffff81000000L);
    }

    @Test
    void imageIdentificationIsRead() {
        assertThat(db.image().buildId()).matches("[0-9a-f]{40}");
        assertThat(db.image().tableLayout()).contains("base-relative, absolute percpu").contains(".rodata");
        assertThat(db.image().banner()).contains(kernel.release);
    }

    @Test
    void strippedVmlinuxAndGzipImageGiveTheSameList(@TempDir Path dir) throws IOException {
        byte[] image = Files.readAllBytes(kernel.vmlinuz);
        byte[] vmlinux = BootImages.imageKernelElf(kernel.vmlinuz, image);
        Path elf = Files.write(dir.resolve("vmlinux"), vmlinux);
        assertThat(KernelSymbols.load(new SymbolSource.Vmlinux(elf)).symbols(KernelSymbols.VMLINUX))
                .isEqualTo(db.symbols(KernelSymbols.VMLINUX));

        // The same kernel as a gzip bzImage: Debian's header with the payload recompressed.
        ByteBuffer h = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        int setupSects = image[0x1f1] & 0xff;
        int payloadStart = (setupSects + 1) * 512 + h.getInt(0x248);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz) {
            {
                def.setLevel(Deflater.BEST_SPEED);
            }
        }) {
            out.write(vmlinux);
        }
        byte[] size = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(vmlinux.length).array();
        ByteArrayOutputStream gzImage = new ByteArrayOutputStream();
        gzImage.write(image, 0, payloadStart);
        gzImage.write(gz.toByteArray());
        gzImage.write(size);
        byte[] patched = gzImage.toByteArray();
        ByteBuffer.wrap(patched).order(ByteOrder.LITTLE_ENDIAN).putInt(0x24c, gz.size() + 4);
        Path gzip = Files.write(dir.resolve("vmlinuz-gzip"), patched);
        assertThat(KernelSymbols.load(new SymbolSource.Vmlinuz(gzip)).symbols(KernelSymbols.VMLINUX))
                .isEqualTo(db.symbols(KernelSymbols.VMLINUX));
    }

    @Test
    void compressedImageGivenAsVmlinuxIsExplained() {
        assertThatThrownBy(() -> KernelSymbols.load(new SymbolSource.Vmlinux(kernel.vmlinuz)))
                .isInstanceOf(KelpException.class)
                .hasMessage(kernel.vmlinuz + ": this is a compressed kernel (bzImage); pass it with --vmlinuz");
    }
}
