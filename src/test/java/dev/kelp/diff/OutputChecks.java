package dev.kelp.diff;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kelp.elf.ElfFile;
import dev.kelp.elf.Relocation;
import dev.kelp.elf.Section;
import dev.kelp.elf.Symbol;
import dev.kelp.util.Proc;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Checks shared by the corpus and fixture tests on a written diff output. */
final class OutputChecks {
    private OutputChecks() {
    }

    /** readelf -a accepts the file without a warning, and ld -r links it. */
    static void readelfAndLd(Path out, Path dir) {
        Proc.Result r = Proc.of("readelf", "-a", "-W", out.toString()).timeout(Duration.ofSeconds(60)).run();
        assertThat(r.exitCode()).as("readelf -a " + out + ": " + r.stderr()).isZero();
        assertThat(r.stderr()).as("readelf -a " + out + " stderr").isEmpty();
        Path linked = dir.resolve("linked.o");
        Proc.Result l = Proc.of("ld", "-r", "-o", linked.toString(), out.toString()).timeout(Duration.ofSeconds(60)).run();
        assertThat(l.exitCode()).as("ld -r " + out + ": " + l.stderr()).isZero();
        assertThat(l.stderr()).as("ld -r " + out + " stderr").isEmpty();
    }

    /** The defined FUNC symbol of that name in the output (fails when absent). */
    static Symbol function(ElfFile out, String name) {
        for (Symbol s : out.symbols()) {
            if (s.isFunction() && s.name().equals(name) && s.section() != null) {
                return s;
            }
        }
        throw new AssertionError(out.name() + ": no function " + name);
    }

    /**
     * The relocations of a function in normalised form: "offset type target addend", where the
     * target is the symbol name with numbers masked, a string's content, or an anonymous
     * section's name; side-band records count as relocations against their recorded symbol.
     */
    static List<String> relocations(ObjectIndex idx, Symbol f, boolean includeSideBand) {
        List<String> out = new ArrayList<>();
        for (Relocation r : idx.relocsIn(f.section(), f.value(), f.value() + f.size())) {
            out.add(describe(r.offset() - f.value(), r.type(), idx.resolve(f.section(), r)));
        }
        if (includeSideBand) {
            for (SideBandEntry e : sideBand(idx.elf)) {
                if (e.section == f.section() && e.offset >= f.value() && e.offset < f.value() + f.size()) {
                    out.add((e.offset - f.value()) + " " + e.type + " " + Names.mangle(e.name) + " " + e.addend);
                }
            }
        }
        Collections.sort(out);
        return out;
    }

    private static String describe(long off, int type, RelocTarget t) {
        switch (t.kind()) {
            case SYMBOL:
                return off + " " + type + " " + Names.mangle(t.symbol().name()) + " " + t.addend();
            case STRING:
            case CONSTANT:
                return off + " " + type + " \"" + t.content() + "\" " + (t.addend() - t.offset());
            case ANONYMOUS:
                return off + " " + type + " [" + Names.mangle(t.section().name()) + "]";
            default:
                return off + " " + type + " -";
        }
    }

    record SideBandEntry(Section section, long offset, String name, String object, String unit, int type, int flags,
            long addend) {
    }

    /** Decodes .kelp.relocs through its relocations, as the klp converter will. */
    static List<SideBandEntry> sideBand(ElfFile f) {
        List<SideBandEntry> out = new ArrayList<>();
        Section relocs = f.section(SideBandFormat.RECORDS);
        Section strs = f.section(SideBandFormat.STRINGS);
        if (relocs == null) {
            return out;
        }
        assertThat(strs).as(f.name() + " .kelp.strings").isNotNull();
        assertThat(relocs.size() % SideBandFormat.RECORD_SIZE).as(".kelp.relocs size").isZero();
        Map<Long, Relocation> byOffset = new HashMap<>();
        for (Relocation r : f.relocationsFor(relocs).get(0).relocations()) {
            byOffset.put(r.offset(), r);
        }
        ByteBuffer b = ByteBuffer.wrap(relocs.data()).order(ByteOrder.LITTLE_ENDIAN);
        for (int base = 0; base < relocs.size(); base += SideBandFormat.RECORD_SIZE) {
            Relocation place = byOffset.get((long) base);
            assertThat(place).as("place relocation of record at " + base).isNotNull();
            assertThat(place.symbol().isSection()).as("place is section-relative").isTrue();
            assertThat(b.getLong(base)).as("record bytes are zero where relocated").isZero();
            out.add(new SideBandEntry(place.symbol().section(), place.addend(), str(strs, byOffset.get(base + 8L)),
                    str(strs, byOffset.get(base + 16L)), str(strs, byOffset.get(base + 24L)), b.getInt(base + 32),
                    b.getInt(base + 36), b.getLong(base + 40)));
        }
        return out;
    }

    private static String str(Section strs, Relocation r) {
        assertThat(r).as("string relocation").isNotNull();
        assertThat(r.symbol().section()).as("string relocation target").isSameAs(strs);
        return ObjectIndex.stringAt(strs, r.addend());
    }

    /** Functions with a __mcount_loc entry (R_X86_64_64 against the function symbol or its section). */
    static List<String> mcountEntries(ObjectIndex idx) {
        List<String> out = new ArrayList<>();
        Section m = idx.elf.section("__mcount_loc");
        if (m == null) {
            return out;
        }
        for (Relocation r : idx.relocationsOf(m)) {
            assertThat(r.type()).as("__mcount_loc relocation type").isEqualTo(X86.ARCH.absolute64());
            RelocTarget t = idx.resolve(m, r);
            if (t.kind() == RelocTarget.Kind.SYMBOL) {
                out.add(t.symbol().name());
            }
        }
        return out;
    }
}
