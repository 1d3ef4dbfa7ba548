package dev.kelp.klp;

import dev.kelp.elf.ElfFile;
import dev.kelp.elf.Relocation;
import dev.kelp.elf.RelocationSection;
import dev.kelp.elf.Section;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The author's KLP_MODULE_RELOC tables: sections {@code .klp.module_relocs.<object>} holding
 * packed 12-byte records {pointer (relocated against the symbol), u32 sympos}. Each record pins
 * every reference to that symbol name to (object, sympos). The tables are staging data: the
 * converter deletes them.
 */
final class Annotations {
    static final int RECORD_SIZE = 12;
    static final int SYMPOS_OFFSET = 8;

    /** Where a symbol name is pinned and which table said so. */
    record Pin(String object, int sympos, String table) {}

    private final Map<String, Pin> pins = new HashMap<>();
    private final List<Section> tables = new ArrayList<>();

    Map<String, Pin> pins() {
        return pins;
    }

    /** The table sections (to delete after conversion). */
    List<Section> tables() {
        return tables;
    }

    static Annotations read(ElfFile elf, Problems problems) {
        Annotations a = new Annotations();
        for (Section s : elf.sections()) {
            if (s.name().startsWith(KlpNames.ANNOTATION_PREFIX) && !(s instanceof RelocationSection)) {
                a.tables.add(s);
                a.readTable(elf, s, problems);
            }
        }
        return a;
    }

    private void readTable(ElfFile elf, Section table, Problems problems) {
        String object = table.name().substring(KlpNames.ANNOTATION_PREFIX.length());
        KlpNames.objectProblem(object).ifPresent(p -> problems.fileError("annotation table " + table.name() + ": " + p
                + "; KLP_MODULE_RELOC takes a module name as the kernel spells it, or vmlinux"));
        if (table.size() % RECORD_SIZE != 0) {
            problems.fileError("annotation table " + table.name() + " is " + table.size() + " bytes, not a multiple of "
                    + RECORD_SIZE + ": build it with kelp-livepatch.h's KLP_MODULE_RELOC/KLP_SYMPOS");
            return;
        }
        int records = (int) (table.size() / RECORD_SIZE);
        Relocation[] bySlot = new Relocation[records];
        for (RelocationSection r : elf.relocationsFor(table)) {
            for (Relocation rel : r.relocations()) {
                if (rel.offset() % RECORD_SIZE != 0 || rel.offset() / RECORD_SIZE >= records) {
                    problems.fileError("annotation table " + table.name() + ": relocation at offset 0x"
                            + Long.toHexString(rel.offset()) + " is not at the start of a record");
                    continue;
                }
                bySlot[(int) (rel.offset() / RECORD_SIZE)] = rel;
            }
        }
        ByteBuffer data = table.contents();
        for (int i = 0; i < records; i++) {
            Relocation rel = bySlot[i];
            if (rel == null || rel.symbol() == null) {
                problems.fileError("annotation table " + table.name() + ": record " + i + " names no symbol");
                continue;
            }
            String name = rel.symbol().name();
            long sympos = data.getInt(i * RECORD_SIZE + SYMPOS_OFFSET) & 0xffffffffL;
            if (!rel.symbol().isUndefined()) {
                problems.error(name, "annotated in " + table.name() + " but defined in the module itself; remove the"
                        + " KLP_SYMPOS entry");
                continue;
            }
            if (rel.addend() != 0) {
                problems.error(name, "annotation in " + table.name() + " points " + rel.addend() + " bytes into the"
                        + " symbol; KLP_SYMPOS takes the symbol itself");
                continue;
            }
            Pin pin = new Pin(object, (int) sympos, table.name());
            Pin old = pins.putIfAbsent(name, pin);
            if (old != null && !(old.object().equals(object) && old.sympos() == sympos)) {
                problems.error(name, "annotated twice with different targets: " + old.object() + "," + old.sympos()
                        + " in " + old.table() + " and " + object + "," + sympos + " in " + table.name()
                        + "; keep one");
            }
        }
    }
}
