package dev.kelp.klp;

import dev.kelp.arch.LivepatchArch;
import dev.kelp.elf.Elf;
import dev.kelp.elf.ElfFile;
import dev.kelp.elf.Relocation;
import dev.kelp.elf.RelocationSection;
import dev.kelp.elf.Section;
import dev.kelp.elf.Symbol;
import dev.kelp.elf.SymbolTable;
import dev.kelp.symbols.KernelSymbols;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a linked livepatch module into its final form: references the module loader cannot
 * resolve (symbols vmlinux does not export, module symbols, side-band records of kelp diff)
 * become livepatch relocations. Runs after the final link, because the linker and modpost do not
 * preserve the klp format and the kernel resolves klp relocations by the final symbol indices.
 *
 * <p>Steps: read the staging data (annotation tables, side-band records); decide per undefined
 * symbol ({@link ConversionRules}); check the kernel's rules; only when nothing is wrong, move
 * the relocations into {@code .klp.rela.<object>.<section>} sections against
 * {@code .klp.sym.<object>.<symbol>,<pos>} symbols, zero the relocated fields, delete the staging
 * sections and the now unused undefined symbols, and check the result against the loader's
 * limits. All problems are reported together ({@link KlpConversionException}).
 */
public final class KlpConverter {
    private static final String VMLINUX = KernelSymbols.VMLINUX;

    /**
     * @param defaultObject object for side-band records that name none and whose symbol is
     *                      defined in several objects (null: refuse them)
     */
    public record Options(String defaultObject) {
        public static Options defaults() {
            return new Options(null);
        }
    }

    /**
     * What the conversion did.
     *
     * @param relocations  the klp relocations written, in section order
     * @param keptExports  undefined symbols left to the module loader (vmlinux exports)
     * @param removed      staging sections deleted
     */
    public record Result(List<KlpRelocation> relocations, List<String> keptExports, List<String> removed) {
        /** Number of klp relocations per object. */
        public Map<String, Integer> perObject() {
            Map<String, Integer> m = new LinkedHashMap<>();
            for (KlpRelocation r : relocations) {
                m.merge(r.lpObject(), 1, Integer::sum);
            }
            return m;
        }
    }

    private final ElfFile elf;
    private final SymbolOracle oracle;
    private final Options options;
    private final LivepatchArch arch;
    private final Problems problems;

    private KlpConverter(ElfFile elf, SymbolOracle oracle, Options options) {
        this.elf = elf;
        this.oracle = oracle;
        this.options = options;
        this.arch = LivepatchArch.forMachine(elf.machine(), elf.name());
        this.problems = new Problems(elf.name());
    }

    /** Converts {@code elf} in place; throws {@link KlpConversionException} listing every problem. */
    public static Result convert(ElfFile elf, SymbolOracle oracle, Options options) {
        return new KlpConverter(elf, oracle, options).run();
    }

    /** A relocation to move: where it is now and what it becomes. */
    private record Move(RelocationSection from, Relocation rel, Section target,
            Decision.Convert decision, int symType) {}

    private Result run() {
        SymbolTable symtab = elf.symtab();
        if (symtab == null || !elf.isRelocatable()) {
            problems.fileError("not a relocatable kernel module (no symbol table or not ET_REL)");
            problems.throwIfAny();
        }
        requireLivepatchModinfo();
        Annotations annotations = Annotations.read(elf, problems);
        SideBand sideBand = SideBand.read(elf, arch, problems);
        List<Section> staging = new ArrayList<>(annotations.tables());
        staging.addAll(sideBand.staging());
        Set<Section> stagingSet = Collections.newSetFromMap(new IdentityHashMap<>());
        stagingSet.addAll(staging);

        ConversionRules rules = new ConversionRules(oracle, annotations.pins());
        Map<String, Decision> decisions = new HashMap<>();
        List<Move> moves = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        Set<Symbol> converted = Collections.newSetFromMap(new IdentityHashMap<>());
        for (RelocationSection r : elf.relocationSections()) {
            if (r.isLivepatch() || r.target() == null || stagingSet.contains(r.target())) {
                continue;
            }
            for (Relocation rel : r.relocations()) {
                Symbol s = rel.symbol();
                if (s == null || !s.isUndefined() || s.name().isEmpty()) {
                    continue;
                }
                Decision d = decisions.computeIfAbsent(s.name(), n -> weakUnknown(s) ? new Decision.Keep(
                        "weak and defined nowhere: the loader leaves it 0") : rules.decide(n));
                if (d instanceof Decision.Keep) {
                    if (!kept.contains(s.name())) {
                        kept.add(s.name());
                    }
                } else if (d instanceof Decision.Convert c) {
                    converted.add(s);
                    moves.add(new Move(r, rel, r.target(), c, s.type()));
                }
            }
        }
        decisions.forEach((name, d) -> {
            if (d instanceof Decision.Refuse f) {
                if (f.unsupported()) {
                    problems.unsupported(name, f.message());
                } else {
                    problems.error(name, f.message());
                }
            }
        });
        for (SideBand.Record rec : sideBand.records()) {
            Decision d = rules.decideLocal(rec.name(), rec.object(), rec.unit(), sideBand.unitSymbols(rec.unit()),
                    options.defaultObject());
            if (d instanceof Decision.Convert c) {
                int type = (rec.flags() & SideBand.FLAG_FUNC) != 0 ? Elf.STT_FUNC
                        : (rec.flags() & SideBand.FLAG_OBJECT) != 0 ? Elf.STT_OBJECT : Elf.STT_NOTYPE;
                moves.add(new Move(null, new Relocation(rec.offset(), rec.type(), null, rec.addend()), rec.target(),
                        c, type));
            } else if (d instanceof Decision.Refuse f) {
                problems.error(rec.name(), f.message() + " (side-band record " + rec.number() + ", "
                        + rec.target().name() + "+0x" + Long.toHexString(rec.offset()) + ")");
            }
        }
        checkStagingReferences(stagingSet);
        List<Move> live = new ArrayList<>();
        for (Move m : moves) {
            if (check(m)) {
                live.add(m);
            }
        }
        problems.throwIfAny();

        Set<String> convertedNames = new java.util.HashSet<>();
        converted.forEach(sym -> convertedNames.add(sym.name()));
        List<KlpRelocation> written = write(live, symtab, convertedNames);
        List<String> removed = new ArrayList<>();
        detachStaging(stagingSet);
        for (Section s : staging) {
            removed.add(s.name());
            if (s.file() == elf) {
                elf.removeSection(s);
            }
        }
        dropUnused(converted);
        ModinfoDepends.update(elf, oracle);
        checkResult();
        problems.throwIfAny();
        return new Result(written, kept, removed);
    }

    /** A weak undefined symbol nobody defines is legal: the module loader resolves it to 0. */
    private boolean weakUnknown(Symbol s) {
        return s.isWeak() && !s.name().startsWith(KlpNames.LABEL_PREFIX) && oracle.exporter(s.name()).isEmpty()
                && oracle.objectsDefining(s.name()).isEmpty();
    }

    private void requireLivepatchModinfo() {
        Section modinfo = elf.section(".modinfo");
        if (modinfo == null) {
            problems.fileError("has no .modinfo section: not a kernel module (build it with kbuild)");
            return;
        }
        String text = new String(modinfo.data(), StandardCharsets.UTF_8);
        for (String kv : text.split("\0")) {
            if (kv.equals("livepatch=Y")) {
                return;
            }
        }
        problems.fileError("is not marked as a livepatch module: add MODULE_INFO(livepatch, \"Y\") to its source,"
                + " or the kernel will refuse klp_enable_patch()");
    }

    /** Checks one klp relocation against the kernel's rules; false when it is dropped or refused. */
    private boolean check(Move m) {
        Decision.Convert c = m.decision();
        String name = c.symbol();
        boolean ok = true;
        for (String p : List.of(KlpNames.objectProblem(c.object()), KlpNames.objectProblem(c.lpObject()))
                .stream().flatMap(java.util.Optional::stream).distinct().toList()) {
            problems.error(name, p);
            ok = false;
        }
        KlpNames.symbolProblem(name).ifPresent(p -> problems.error(name, p));
        ok &= KlpNames.symbolProblem(name).isEmpty();
        Section target = m.target();
        String where = target.name() + "+0x" + Long.toHexString(m.rel().offset());
        if (!target.isAlloc()) {
            // The loader ignores relocations of non-allocated sections (debug information):
            // they are dropped rather than converted.
            return false;
        }
        if (!c.lpObject().equals(VMLINUX) && c.object().equals(VMLINUX)) {
            problems.error(name, "a relocation section for module " + c.lpObject() + " may not refer to the vmlinux"
                    + " symbol (the kernel refuses it: 'invalid access to vmlinux symbol'); use"
                    + " KLP_RELOC_SYMBOL_POS(vmlinux, vmlinux, " + name + ", N) instead");
            ok = false;
        }
        if (c.lpObject().equals(VMLINUX) && !c.object().equals(VMLINUX)) {
            problems.error(name, "a vmlinux relocation section (applied when the patch loads) may not refer to a symbol"
                    + " of module " + c.object() + ", which may not be loaded yet; use KLP_RELOC_SYMBOL_POS("
                    + c.object() + ", " + c.object() + ", " + name + ", N)");
            ok = false;
        }
        if (!c.lpObject().equals(VMLINUX) && arch.specialSections().contains(target.name())) {
            problems.unsupported(name, "entry of special section " + where + " refers to a symbol of module "
                    + c.object() + "; the kernel processes " + target.name() + " when the patch loads, before"
                    + " module-specific klp relocations are applied (for a jump label use static_key_enabled(),"
                    + " for a static call call the function directly)");
            ok = false;
        }
        if (!c.lpObject().equals(VMLINUX) && target.name().startsWith(".init")) {
            problems.unsupported(name, "init code (" + where + ") refers to module " + c.object() + "; module-specific"
                    + " klp relocations are applied after init memory is freed: move the reference out of __init code");
            ok = false;
        }
        int width = arch.fieldWidth(m.rel().type());
        if (width < 0) {
            problems.unsupported(name, "relocation type " + m.rel().type() + " at " + where + " is not accepted by the "
                    + arch.name() + " module loader of the target kernel; build the module with -mcmodel=kernel");
            ok = false;
        } else if (target.isNobits() || m.rel().offset() < 0 || m.rel().offset() + width > target.size()) {
            problems.error(name, "relocation at " + where + " lies outside the contents of " + target.name());
            ok = false;
        }
        return ok;
    }

    private List<KlpRelocation> write(List<Move> moves, SymbolTable symtab, Set<String> convertedNames) {
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
        for (Move m : moves) {
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
    private void detachStaging(Set<Section> staging) {
        for (RelocationSection r : elf.relocationSections()) {
            if (r.target() == null || staging.contains(r.target()) || r.target().isAlloc()) {
                continue;
            }
            r.relocations().removeIf(rel -> rel.symbol() != null && staging.contains(rel.symbol().section()));
        }
    }

    /** The module's code and data must not use the staging sections, which the conversion deletes. */
    private void checkStagingReferences(Set<Section> staging) {
        for (RelocationSection r : elf.relocationSections()) {
            if (r.target() == null || staging.contains(r.target()) || !r.target().isAlloc()) {
                continue;
            }
            for (Relocation rel : r.relocations()) {
                if (rel.symbol() != null && staging.contains(rel.symbol().section())) {
                    problems.error(rel.symbol().name(), r.target().name() + "+0x" + Long.toHexString(rel.offset())
                            + " refers to " + rel.symbol().section().name() + ", which kelp deletes (annotation"
                            + " tables and side-band data are read by kelp only): do not use them in code or data");
                }
            }
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
    private void dropUnused(Set<Symbol> converted) {
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

    /** The limits of the target's module loader, checked on the final module. */
    private void checkResult() {
        elf.reindex();
        int count = elf.sections().size() + 1;
        if (count >= Elf.SHN_LORESERVE) {
            problems.unsupported("(module)", "the converted module has " + count + " sections; the 6.1 module loader"
                    + " cannot read extended section numbering, so it needs fewer than " + Elf.SHN_LORESERVE
                    + ": split the patch into several modules");
        }
        for (RelocationSection r : elf.relocationSections()) {
            if (r.target() == null || !r.target().isAlloc()) {
                continue;
            }
            for (Relocation rel : r.relocations()) {
                if (!arch.loaderRelocationTypes().contains(rel.type())) {
                    String sym = rel.symbol() == null ? "(no symbol)" : rel.symbol().name();
                    problems.unsupported(sym, "relocation type " + rel.type() + " at " + r.target().name() + "+0x"
                            + Long.toHexString(rel.offset()) + " in " + r.name() + " is not accepted by the "
                            + arch.name() + " module loader of the target kernel");
                }
            }
        }
        for (Symbol s : elf.symbols()) {
            if (s.isCommon()) {
                problems.unsupported(s.name(), "common symbol: the module loader refuses it; compile with -fno-common");
            }
        }
    }
}
