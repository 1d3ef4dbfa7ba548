package dev.kelp.arch.x86;

import dev.kelp.arch.Insn;
import dev.kelp.elf.Elf;
import dev.kelp.elf.ElfFile;
import dev.kelp.elf.Section;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Decoding throughput (run by scripts/bench-x86decode): linear sweeps over every executable
 * section of the given objects, best of several rounds, next to {@code objdump -d} on the same
 * files. Prints figures; asserts nothing.
 */
public final class DecodeBenchmark {
    private DecodeBenchmark() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        List<Path> files = new ArrayList<>();
        for (String a : args) {
            files.add(Path.of(a));
        }
        List<byte[]> sections = new ArrayList<>();
        long bytes = 0;
        for (Path f : files) {
            ElfFile elf = ElfFile.read(f);
            for (Section s : elf.sections()) {
                if (s.hasFlag(Elf.SHF_EXECINSTR) && !s.isNobits() && s.size() > 0) {
                    byte[] d = s.data();
                    sections.add(d);
                    bytes += d.length;
                }
            }
        }
        X86Decoder dec = X86Decoder.instance();
        Insn insn = new Insn();
        long instructions = 0;
        long best = Long.MAX_VALUE;
        for (int round = 0; round < 12; round++) {
            long t0 = System.nanoTime();
            long n = 0;
            for (byte[] d : sections) {
                int pos = 0;
                while (pos < d.length) {
                    pos += dec.decode(d, pos, d.length, pos, insn);
                    n++;
                }
            }
            long t = System.nanoTime() - t0;
            best = Math.min(best, t);
            instructions = n;
        }
        double mb = bytes / 1e6;
        double kelpSeconds = best / 1e9;
        System.out.printf("files: %d, executable sections: %d, %.1f MB of code, %d instructions%n",
                files.size(), sections.size(), mb, instructions);
        System.out.printf("kelp X86Decoder : %8.1f MB/s  (%.3f s, %.1f M insn/s, best of 12 rounds)%n",
                mb / kelpSeconds, kelpSeconds, instructions / kelpSeconds / 1e6);

        List<String> cmd = new ArrayList<>(List.of("objdump", "-d", "-w"));
        files.forEach(f -> cmd.add(f.toString()));
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        int rc = p.waitFor();
        double objdumpSeconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("objdump -d -w   : %8.1f MB/s  (%.3f s, exit %d, output discarded)%n",
                mb / objdumpSeconds, objdumpSeconds, rc);
        System.out.printf("ratio kelp/objdump: %.0fx%n", objdumpSeconds / kelpSeconds);
    }
}
