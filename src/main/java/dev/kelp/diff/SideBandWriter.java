package dev.kelp.diff;

import static dev.kelp.diff.SideBandFormat.ADDEND;
import static dev.kelp.diff.SideBandFormat.FLAGS;
import static dev.kelp.diff.SideBandFormat.NAME;
import static dev.kelp.diff.SideBandFormat.OBJECT;
import static dev.kelp.diff.SideBandFormat.PLACE;
import static dev.kelp.diff.SideBandFormat.RECORDS;
import static dev.kelp.diff.SideBandFormat.RECORD_SIZE;
import static dev.kelp.diff.SideBandFormat.STRINGS;
import static dev.kelp.diff.SideBandFormat.TYPE;
import static dev.kelp.diff.SideBandFormat.UNIT;
import static dev.kelp.diff.SideBandFormat.UNIT_SYMBOLS;

import dev.kelp.elf.Elf;
import dev.kelp.elf.ElfFile;
import dev.kelp.elf.Relocation;
import dev.kelp.elf.RelocationSection;
import dev.kelp.elf.Section;
import dev.kelp.elf.Symbol;
import dev.kelp.elf.SymbolTable;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The side-band records of docs/sideband.md: references from the patch to unchanged LOCAL
 * symbols, which an ordinary relocation cannot express (static names clash across units). Each
 * record is 48 bytes in {@code .kelp.relocs}; its place and strings are reached through
 * absolute relocations, so they follow the sections through {@code ld -r} and the module link.
 */
final class SideBandWriter {
    /**
     * One reference.
     *
     * @param section the output section holding the relocated field
     * @param offset  the field's offset in that section
     * @param name    the symbol's name in the original object
     * @param type    the original relocation type
     * @param flags   {@link SideBandFormat#FLAG_LOCAL} | {@link SideBandFormat#FLAG_FUNC} | {@link SideBandFormat#FLAG_OBJECT}
     * @param addend  the original addend, relative to the symbol
     */
    record Record(Section section, long offset, String name, int type, int flags, long addend) {
    }

    private final List<Record> records = new ArrayList<>();

    void add(Record r) {
        records.add(r);
    }

    int size() {
        return records.size();
    }

    List<Record> records() {
        return records;
    }

    /**
     * Writes the records into {@code out}.
     *
     * @param sectionSymbol gives (creating if needed) the section symbol of an output section
     * @param unitLocals    names of the original unit's local FUNC/OBJECT symbols
     */
    void write(ElfFile out, SymbolTable symtab, int abs64, String object, String unit,
            Function<Section, Symbol> sectionSymbol, List<String> unitLocals) {
        if (records.isEmpty()) {
            return;
        }
        ByteArrayOutputStream strings = new ByteArrayOutputStream();
        Map<String, Integer> stringOffsets = new HashMap<>();
        Section relocs = new Section(RECORDS, Elf.SHT_PROGBITS).setAddralign(8);
        Section strs = new Section(STRINGS, Elf.SHT_PROGBITS).setAddralign(1);
        out.addSection(relocs);
        out.addSection(strs);
        RelocationSection rela = new RelocationSection(".rela" + RECORDS, true, symtab, relocs);
        out.addSection(rela);
        Symbol strSym = sectionSymbol.apply(strs);
        ByteBuffer buf = ByteBuffer.allocate(records.size() * RECORD_SIZE).order(out.byteOrder());
        // module names in kernel spelling (the loader's and kallsyms' name: '-' becomes '_')
        int objectOff = intern(strings, stringOffsets, object == null ? "" : object.replace('-', '_'));
        int unitOff = intern(strings, stringOffsets, unit);
        for (int i = 0; i < records.size(); i++) {
            Record r = records.get(i);
            int base = i * RECORD_SIZE;
            rela.add(new Relocation(base + PLACE, abs64, sectionSymbol.apply(r.section()), r.offset()));
            rela.add(new Relocation(base + NAME, abs64, strSym, intern(strings, stringOffsets, r.name())));
            rela.add(new Relocation(base + OBJECT, abs64, strSym, objectOff));
            rela.add(new Relocation(base + UNIT, abs64, strSym, unitOff));
            buf.putInt(base + TYPE, r.type());
            buf.putInt(base + FLAGS, r.flags());
            buf.putLong(base + ADDEND, r.addend());
        }
        relocs.setData(buf.array());
        strs.setData(strings.toByteArray());
        ByteArrayOutputStream unitsyms = new ByteArrayOutputStream();
        putString(unitsyms, unit);
        for (String n : unitLocals) {
            putString(unitsyms, n);
        }
        putString(unitsyms, "");
        out.addSection(new Section(UNIT_SYMBOLS, Elf.SHT_PROGBITS).setAddralign(1)).setData(unitsyms.toByteArray());
    }

    private static int intern(ByteArrayOutputStream strings, Map<String, Integer> offsets, String s) {
        Integer o = offsets.get(s);
        if (o != null) {
            return o;
        }
        int off = strings.size();
        putString(strings, s);
        offsets.put(s, off);
        return off;
    }

    private static void putString(ByteArrayOutputStream b, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        b.write(bytes, 0, bytes.length);
        b.write(0);
    }
}
