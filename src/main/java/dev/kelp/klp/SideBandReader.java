package dev.kelp.klp;

import static dev.kelp.diff.SideBandFormat.ADDEND;
import static dev.kelp.diff.SideBandFormat.FLAGS;
import static dev.kelp.diff.SideBandFormat.RECORDS;
import static dev.kelp.diff.SideBandFormat.RECORD_SIZE;
import static dev.kelp.diff.SideBandFormat.STRINGS;
import static dev.kelp.diff.SideBandFormat.TYPE;
import static dev.kelp.diff.SideBandFormat.UNIT;
import static dev.kelp.diff.SideBandFormat.UNIT_SYMBOLS;

import dev.kelp.arch.LivepatchArch;
import dev.kelp.elf.ElfFile;
import dev.kelp.elf.Relocation;
import dev.kelp.elf.RelocationSection;
import dev.kelp.elf.Section;
import dev.kelp.elf.Symbol;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The side-band records of {@code kelp diff} (docs/sideband.md): references to unchanged local
 * symbols that the differ took out of the ordinary relocations so that they survive the module
 * link. {@code .kelp.relocs} holds 48-byte records (place, name, object, unit as absolute
 * 64-bit relocations; type, flags, addend as data), {@code .kelp.strings} the strings, and the
 * optional {@code .kelp.unitsyms} the local symbol names of each unit.
 */
final class SideBandReader {
    /** One reference, placed in the final module: section + offset of the relocated field. */
    record Record(int number, Section target, long offset, String name, String object, String unit, int type,
            int flags, long addend) {}

    private final List<Record> records = new ArrayList<>();
    private final Map<String, Set<String>> unitSymbols = new HashMap<>();
    private final List<Section> staging = new ArrayList<>();

    List<Record> records() {
        return records;
    }

    /** Local symbol names of a unit (empty if the differ wrote none). */
    Set<String> unitSymbols(String unit) {
        return unitSymbols.getOrDefault(unit, Set.of());
    }

    /** The side-band sections (to delete after conversion). */
    List<Section> staging() {
        return staging;
    }

    static SideBandReader read(ElfFile elf, LivepatchArch arch, Problems problems) {
        SideBandReader sb = new SideBandReader();
        for (String n : List.of(RECORDS, STRINGS, UNIT_SYMBOLS)) {
            sb.staging.addAll(elf.sectionsNamed(n));
        }
        Section unitSyms = elf.section(UNIT_SYMBOLS);
        if (unitSyms != null) {
            sb.readUnitSymbols(unitSyms);
        }
        for (Section s : elf.sectionsNamed(RECORDS)) {
            sb.readRecords(elf, s, arch, problems);
        }
        return sb;
    }

    private void readUnitSymbols(Section s) {
        List<String> strings = strings(s.data());
        String unit = null;
        for (String str : strings) {
            if (unit == null) {
                if (!str.isEmpty()) {
                    unit = str;
                    unitSymbols.computeIfAbsent(unit, k -> new LinkedHashSet<>());
                }
            } else if (str.isEmpty()) {
                unit = null;
            } else {
                unitSymbols.get(unit).add(str);
            }
        }
    }

    private static List<String> strings(byte[] d) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < d.length; i++) {
            if (d[i] == 0) {
                out.add(new String(d, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        return out;
    }

    private void readRecords(ElfFile elf, Section s, LivepatchArch arch, Problems problems) {
        if (s.size() % RECORD_SIZE != 0) {
            problems.fileError(s.name() + " is " + s.size() + " bytes, not a multiple of " + RECORD_SIZE
                    + ": the side-band was not written by this version of kelp diff");
            return;
        }
        int n = (int) (s.size() / RECORD_SIZE);
        Relocation[][] fields = new Relocation[n][4];
        for (RelocationSection r : elf.relocationsFor(s)) {
            for (Relocation rel : r.relocations()) {
                long slot = rel.offset() / RECORD_SIZE;
                long field = rel.offset() % RECORD_SIZE;
                if (slot >= n || field % 8 != 0 || field > UNIT || rel.type() != arch.absolute64()) {
                    problems.fileError(s.name() + ": unexpected relocation (type " + rel.type() + ") at offset 0x"
                            + Long.toHexString(rel.offset()));
                    continue;
                }
                fields[(int) slot][(int) (field / 8)] = rel;
            }
        }
        ByteBuffer d = s.contents();
        for (int i = 0; i < n; i++) {
            Relocation[] f = fields[i];
            if (f[0] == null || f[1] == null || f[2] == null || f[3] == null || f[0].symbol() == null) {
                problems.fileError(s.name() + ": record " + i + " lacks one of its place/name/object/unit relocations");
                continue;
            }
            Symbol place = f[0].symbol();
            if (place.section() == null) {
                problems.fileError(s.name() + ": record " + i + " is placed relative to '" + place.name()
                        + "', which is not defined in the module");
                continue;
            }
            String name = string(f[1], s, i, problems);
            String object = string(f[2], s, i, problems);
            String unit = string(f[3], s, i, problems);
            if (name == null || object == null || unit == null) {
                continue;
            }
            int base = i * RECORD_SIZE;
            records.add(new Record(i, place.section(), place.value() + f[0].addend(), name, object, unit,
                    d.getInt(base + TYPE), d.getInt(base + FLAGS), d.getLong(base + ADDEND)));
        }
    }

    private static String string(Relocation r, Section records, int i, Problems problems) {
        Symbol sym = r.symbol();
        Section strings = sym == null ? null : sym.section();
        long at = (sym == null ? 0 : sym.value()) + r.addend();
        if (strings == null || at < 0 || at >= strings.size()) {
            problems.fileError(records.name() + ": record " + i + " points at a string outside "
                    + (strings == null ? "any section" : strings.name()));
            return null;
        }
        byte[] d = strings.data();
        int end = (int) at;
        while (end < d.length && d[end] != 0) {
            end++;
        }
        return new String(d, (int) at, end - (int) at, StandardCharsets.UTF_8);
    }
}
