package dev.kelp.klp;

import dev.kelp.arch.LivepatchArch;
import dev.kelp.elf.Elf;
import dev.kelp.elf.ElfFile;
import dev.kelp.elf.Relocation;
import dev.kelp.elf.RelocationSection;
import dev.kelp.elf.Section;
import dev.kelp.elf.Symbol;
import dev.kelp.elf.SymbolTable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes the klp form: {@code .klp.sym.*} symbols, {@code .klp.rela.*} sections, zeroed fields;
 * removes the ordinary relocations they replace, debug references to converted or staging
 * symbols, and the undefined symbols nothing refers to any more.
 */
final class KlpWriter {
    private final ElfFile elf;
    private final LivepatchArch arch;

    KlpWriter(ElfFile elf, LivepatchArch arch) {
        this.elf = elf;
        this.arch = arch;
    }

    /**
     * Writes the accepted relocations in klp form and removes the ordinary relocations they
     * replace (and debug relocations against {@code convertedNames}); returns what was written.
     */
    List<KlpRelocation> write(List<PendingRelocation> moves, SymbolTable symtab, Set<String> convertedNames) {
        Map<String, Symbol> klpSymbols = new HashMap<>();
        for (Symbol s : symtab.symbols()) {
            if (s.isLivepatch()) {
                klpSymbols.put(s.name(), s);
            }
        }
        Map<String, RelocationSection> klpSections = new HashMap<>();
        for (RelocationSection r : elf.relocationSections()) {
            if (r.isLivepatch()) {
                klpSections.put(r.name() + "\0" + r.target().name(), r);
            }
        }
        Map<RelocationSection, Set<Relocation>> toRemove = new IdentityHashMap<>();
        List<KlpRelocation> written = new ArrayList<>();
        for (PendingRelocation m : moves) {
            Decision.Convert c = m.decision();
            String symName = KlpNames.symbol(c.object(), c.symbol(), c.sympos());
            Symbol sym = klpSymbols.computeIfAbsent(symName, n -> symtab.add(new Symbol(n)
                    .setBind(Elf.STB_GLOBAL).setType(m.symType()).setSpecialIndex(Elf.SHN_LIVEPATCH)));
            String secName = KlpNames.relaSection(c.lpObject(), m.target().name());
            RelocationSection klp = klpSections.computeIfAbsent(secName + "\0" + m.target().name(),
                    k -> newKlpSection(secName, symtab, m.target()));
            klp.add(new Relocation(m.rel().offset(), m.rel().type(), sym, m.rel().addend()));
            zeroField(m.target(), m.rel().offset(), arch.fieldWidth(m.rel().type()));
            if (m.from() != null) {
                toRemove.computeIfAbsent(m.from(), k -> Collections.newSetFromMap(new IdentityHashMap<>()))
                        .add(m.rel());
            }
            written.add(new KlpRelocation(c.lpObject(), m.target().name(), m.rel().offset(), m.rel().type(),
                    m.rel().addend(), c.object(), c.symbol(), c.sympos(), c.rule()));
        }
        // References from sections the loader never relocates (debug information) to converted
        // symbols go too: nothing could resolve them.
        for (RelocationSection r : elf.relocationSections()) {
            if (r.isLivepatch() || r.target() == null || r.target().isAlloc()) {
                continue;
            }
            for (Relocation rel : r.relocations()) {
                if (rel.symbol() != null && rel.symbol().isUndefined() && convertedNames.contains(rel.symbol().name())) {
                    toRemove.computeIfAbsent(r, k -> Collections.newSetFromMap(new IdentityHashMap<>())).add(rel);
                }
            }
        }
        toRemove.forEach((r, rels) -> {
            r.relocations().removeIf(rels::contains);
            if (r.relocations().isEmpty()) {
                elf.removeSection(r);
            }
        });
        return written;
    }
    /**
     * Drops the relocations of other sections that point into the staging sections: only debug
     * information does (it describes the annotation tables); code or data doing so is refused
     * before anything is changed (see {@link #checkStagingReferences}).
     */
    void detachStaging(Set<Section> staging) {
        for (RelocationSection r : elf.relocationSections()) {
            if (r.target() == null || staging.contains(r.target()) || r.target().isAlloc()) {
                continue;
            }
            r.relocations().removeIf(rel -> rel.symbol() != null && staging.contains(rel.symbol().section()));
        }
    }
    private RelocationSection newKlpSection(String name, SymbolTable symtab, Section target) {
        RelocationSection r = new RelocationSection(name, true, symtab, target);
        r.setFlags(Elf.SHF_ALLOC | Elf.SHF_INFO_LINK | Elf.SHF_RELA_LIVEPATCH);
        r.setAddralign(8);
        List<RelocationSection> existing = elf.relocationsFor(target);
        if (existing.isEmpty()) {
            elf.addSectionBefore(symtab, r);
        } else {
            elf.addSectionAfter(existing.get(existing.size() - 1), r);
        }
        return r;
    }
    /** The x86 loader refuses to write a klp relocation over non-zero bytes. */
    private static void zeroField(Section target, long offset, int width) {
        byte[] d = target.data();
        for (int i = 0; i < width; i++) {
            d[(int) offset + i] = 0;
        }
    }
    /** Removes converted undefined symbols that no relocation refers to any more. */
    void dropUnused(Set<Symbol> converted) {
        Set<Symbol> used = Collections.newSetFromMap(new IdentityHashMap<>());
        for (RelocationSection r : elf.relocationSections()) {
            for (Relocation rel : r.relocations()) {
                if (rel.symbol() != null) {
                    used.add(rel.symbol());
                }
            }
        }
        for (Symbol s : converted) {
            if (!used.contains(s)) {
                elf.removeSymbol(s);
            }
        }
    }
}
