package dev.kelp.arch.x86;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kelp.arch.Arch;
import dev.kelp.arch.registry.Machines;
import dev.kelp.elf.Elf;
import dev.kelp.elf.ElfFile;
import dev.kelp.elf.Symbol;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Line masking on the kpatch corpus: in warn-detect (a blank line added at the top of
 * arch/x86/kvm/x86.c, judged "no change") every function whose bytes differ must compare equal
 * once line immediates are masked; in the cases judged "changed", the changed functions whose
 * bytes differ must still differ after masking.
 */
class X86LineImmediatesCorpusTest {
    private final Arch arch = Machines.forElf(Elf.EM_X86_64).arch();
    private final Path corpus = Path.of(System.getProperty("kelp.corpus"));

    /** Function name → masked bytes, and → raw bytes, for one object. */
    private record Functions(Map<String, byte[]> raw, Map<String, byte[]> masked) {
    }

    private Functions functions(Path object) {
        ElfFile elf = ElfFile.read(object);
        Map<String, byte[]> raw = new HashMap<>();
        Map<String, byte[]> masked = new HashMap<>();
        for (Symbol f : elf.symbols()) {
            if (f.type() != Elf.STT_FUNC || f.size() == 0 || f.section() == null || f.section().isNobits()) {
                continue;
            }
            byte[] data = f.section().data();
            int start = (int) f.value();
            int end = (int) (f.value() + f.size());
            raw.put(f.name(), Arrays.copyOfRange(data, start, end));
            masked.put(f.name(), arch.maskLineImmediates(data, start, end, TestObjects.relocs(elf, f.section())));
        }
        return new Functions(raw, masked);
    }

    @Test
    void warnDetectIsLineOnly() {
        Functions orig = functions(corpus.resolve("warn-detect.ORIG.o"));
        Functions patched = functions(corpus.resolve("warn-detect.PATCHED.FAIL.o"));
        List<String> differing = new ArrayList<>();
        List<String> stillDiffering = new ArrayList<>();
        for (String name : orig.raw().keySet()) {
            byte[] a = orig.raw().get(name);
            byte[] b = patched.raw().get(name);
            if (b == null || a.length != b.length || Arrays.equals(a, b)) {
                continue;
            }
            differing.add(name);
            if (!Arrays.equals(orig.masked().get(name), patched.masked().get(name))) {
                stillDiffering.add(name);
            }
        }
        System.out.println("warn-detect: " + differing.size() + " functions differ only by line immediates: "
                + differing);
        assertThat(differing).as("the blank line moved some line arguments").isNotEmpty();
        assertThat(stillDiffering).isEmpty();
    }

    @Test
    void changedFunctionsStayChanged() throws IOException {
        JsonNode cases = new ObjectMapper().readTree(Files.readString(corpus.resolve("expected.json")));
        int compared = 0;
        List<String> hidden = new ArrayList<>();
        for (JsonNode c : cases) {
            if (!c.get("outcome").asText().equals("changed")) {
                continue;
            }
            String name = c.get("case").asText();
            Path orig = corpus.resolve(name + ".ORIG.o");
            Path patched = corpus.resolve(name + ".PATCHED.o");
            if (!Files.exists(orig) || !Files.exists(patched)) {
                continue;
            }
            Functions a = functions(orig);
            Functions b = functions(patched);
            for (JsonNode fn : c.get("changed")) {
                String f = fn.asText();
                byte[] ra = a.raw().get(f);
                byte[] rb = b.raw().get(f);
                if (ra == null || rb == null || Arrays.equals(ra, rb)) {
                    continue; // changed through relocations only, or size: not this check's business
                }
                compared++;
                if (ra.length == rb.length && Arrays.equals(a.masked().get(f), b.masked().get(f))) {
                    hidden.add(name + ":" + f);
                }
            }
        }
        System.out.println("changed functions with differing bytes compared after masking: " + compared);
        assertThat(compared).isGreaterThan(10);
        assertThat(hidden).as("real changes hidden by line masking").isEmpty();
    }
}
