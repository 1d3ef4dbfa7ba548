package dev.kelp.klp;

import dev.kelp.arch.LivepatchArch;
import dev.kelp.arch.registry.Machines;
import dev.kelp.diff.SideBandFormat;
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
import java.util.HashSet;
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

    /**
     * @param defaultObject object for side-band records that name none and whose symbol is
     *                      defined in several objects (null: refuse them)
     * @param missingHint   what the user can do about a symbol no object defines, after
     *                      "not exported and not defined in vmlinux or any module of ORIGIN; ":
     *                      the caller knows where the symbols came from and which options it has
     */
    public record Options(String defaultObject, String missingHint) {
        /** {@code kelp convert}'s hint: its user chooses the symbol sources. */
        public static final String CONVERT_MISSING_HINT = "check the name, or give the target's modules (--modules DIR)"
                + " if a module defines it";

        public Options(String defaultObject) {
            this(defaultObject, CONVERT_MISSING_HINT);
        }

        public static Options defaults() {
            return new Options(null);
        }

        public Options withMissingHint(String hint) {
            return new Options(defaultObject, hint);
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
    private final KernelRules kernel;
    private final KlpWriter writer;

    private KlpConverter(ElfFile elf, SymbolOracle oracle, Options options) {
        this.elf = elf;
        this.oracle = oracle;
        this.options = options;
        this.arch = Machines.livepatch(elf.machine(), elf.name());
        this.problems = new Problems(elf.name());
        this.kernel = new KernelRules(elf, arch, problems);
        this.writer = new KlpWriter(elf, arch);
    }

    /** Converts {@code elf} in place; throws {@link KlpConversionException} listing every problem. */
    public static Result convert(ElfFile elf, SymbolOracle oracle, Options options) {
        return new KlpConverter(elf, oracle, options).run();
    }

    /** The references found and what becomes of them. */
    private static final class Plan {
        final List<PendingRelocation> pending = new ArrayList<>();
        final List<String> kept = new ArrayList<>();
        final Set<Symbol> converted = Collections.newSetFromMap(new IdentityHashMap<>());
    }

    private Result run() {
        SymbolTable symtab = elf.symtab();
        if (symtab == null || !elf.isRelocatable()) {
            problems.fileError("not a relocatable kernel module (no symbol table or not ET_REL)");
            problems.throwIfAny();
        }
        kernel.requireLivepatchModinfo();
        Annotations annotations = Annotations.read(elf, problems);
        SideBandReader sideBand = SideBandReader.read(elf, arch, problems);
        Set<Section> staging = Collections.newSetFromMap(new IdentityHashMap<>());
        staging.addAll(annotations.tables());
        staging.addAll(sideBand.staging());

        ConversionRules rules = new ConversionRules(oracle, annotations.pins(), options.missingHint());
        Plan plan = new Plan();
        planOrdinary(rules, staging, plan);
        planSideBand(rules, sideBand, plan);
        kernel.checkStagingReferences(staging);
        List<PendingRelocation> accepted = plan.pending.stream().filter(kernel::accept).toList();
        problems.throwIfAny();

        Set<String> convertedNames = new HashSet<>();
        plan.converted.forEach(sym -> convertedNames.add(sym.name()));
        List<KlpRelocation> written = writer.write(accepted, symtab, convertedNames);
        List<String> removed = removeStaging(annotations, sideBand, staging);
        writer.dropUnused(plan.converted);
        ModinfoDepends.update(elf, oracle);
        kernel.checkFinalModule();
        problems.throwIfAny();
        return new Result(written, plan.kept, removed);
    }

    /** Decides, once per name, for every ordinary relocation against an undefined symbol. */
    private void planOrdinary(ConversionRules rules, Set<Section> staging, Plan plan) {
        Map<String, Decision> decisions = new HashMap<>();
        for (RelocationSection r : elf.relocationSections()) {
            if (r.isLivepatch() || r.target() == null || staging.contains(r.target())) {
                continue;
            }
            for (Relocation rel : r.relocations()) {
                Symbol s = rel.symbol();
                if (s == null || !s.isUndefined() || s.name().isEmpty()) {
                    continue;
                }
                Decision d = decisions.computeIfAbsent(s.name(), n -> weakUnknown(s) ? new Decision.Keep(
                        "weak and defined nowhere: the loader leaves it 0") : rules.decide(n));
                if (d instanceof Decision.Keep && !plan.kept.contains(s.name())) {
                    plan.kept.add(s.name());
                } else if (d instanceof Decision.Convert c) {
                    plan.converted.add(s);
                    plan.pending.add(new PendingRelocation(r, rel, r.target(), c, s.type()));
                }
            }
        }
        decisions.forEach((name, d) -> {
            if (d instanceof Decision.Refuse f && f.unsupported()) {
                problems.unsupported(name, f.message());
            } else if (d instanceof Decision.Refuse f) {
                problems.error(name, f.message());
            }
        });
    }

    /** Decides for every side-band record of kelp diff (references to local symbols). */
    private void planSideBand(ConversionRules rules, SideBandReader sideBand, Plan plan) {
        for (SideBandReader.Record rec : sideBand.records()) {
            Decision d = rules.decideLocal(rec.name(), rec.object(), rec.unit(), sideBand.unitSymbols(rec.unit()),
                    options.defaultObject());
            if (d instanceof Decision.Convert c) {
                int type = (rec.flags() & SideBandFormat.FLAG_FUNC) != 0 ? Elf.STT_FUNC
                        : (rec.flags() & SideBandFormat.FLAG_OBJECT) != 0 ? Elf.STT_OBJECT : Elf.STT_NOTYPE;
                plan.pending.add(new PendingRelocation(null, new Relocation(rec.offset(), rec.type(), null,
                        rec.addend()), rec.target(), c, type));
            } else if (d instanceof Decision.Refuse f) {
                problems.error(rec.name(), f.message() + " (side-band record " + rec.number() + ", "
                        + rec.target().name() + "+0x" + Long.toHexString(rec.offset()) + ")");
            }
        }
    }

    /** Deletes the annotation tables and side-band sections; returns their names. */
    private List<String> removeStaging(Annotations annotations, SideBandReader sideBand, Set<Section> staging) {
        writer.detachStaging(staging);
        List<String> removed = new ArrayList<>();
        List<Section> all = new ArrayList<>(annotations.tables());
        all.addAll(sideBand.staging());
        for (Section s : all) {
            removed.add(s.name());
            if (s.file() == elf) {
                elf.removeSection(s);
            }
        }
        return removed;
    }

    /** A weak undefined symbol nobody defines is legal: the module loader resolves it to 0. */
    private boolean weakUnknown(Symbol s) {
        return s.isWeak() && !s.name().startsWith(KlpNames.LABEL_PREFIX) && oracle.exporter(s.name()).isEmpty()
                && oracle.objectsDefining(s.name()).isEmpty();
    }
}
