package dev.kelp.diff;

import dev.kelp.elf.Elf;
import dev.kelp.elf.ElfFile;
import dev.kelp.elf.Symbol;
import dev.kelp.util.KelpException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The binary differ: compares an object built before and after a patch and extracts what
 * changed. See docs/diff.md for the rules.
 */
public final class Differ {
    private final DiffOptions options;

    public Differ(DiffOptions options) {
        this.options = options;
    }

    /** Reads both objects and diffs them. The output, if any, is in the result (not written). */
    public DiffResult diff(Path orig, Path patched) {
        ElfFile o = read(orig);
        ElfFile p = read(patched);
        return diff(o, orig.toString(), p, patched.toString());
    }

    public DiffResult diff(ElfFile origElf, String origName, ElfFile patchedElf, String patchedName) {
        checkInput(origElf, origName);
        checkInput(patchedElf, patchedName);
        if (origElf.machine() != patchedElf.machine()) {
            throw new KelpException(patchedName + ": built for machine " + patchedElf.machine() + " but " + origName
                    + " for " + origElf.machine() + ": both must come from the same kernel build");
        }
        DiffArch arch = DiffArch.forMachine(origElf.machine());
        ObjectIndex o = new ObjectIndex(origElf, origName, arch);
        ObjectIndex p = new ObjectIndex(patchedElf, patchedName, arch);
        Correlation corr = new Correlator(o, p).correlate();
        ChangeSet cs = new ChangeDetector(o, p, corr).detect();
        List<Problem> problems = new ArrayList<>(new Refusals(o, p, corr, cs).check());
        List<String> changed = names(cs.changed, corr, true);
        List<String> added = names(cs.added, corr, false);
        if (cs.isEmpty() && problems.isEmpty()) {
            return new DiffResult(DiffResult.Outcome.NO_CHANGE, changed, added, problems, List.of(), List.of(), 0, null);
        }
        OutputBuilder builder = new OutputBuilder(o, p, corr, cs, options, problems);
        ElfFile out = builder.build();
        if (!problems.isEmpty()) {
            return new DiffResult(DiffResult.Outcome.UNSUPPORTED, changed, added, problems, builder.included(),
                    builder.data(), builder.sideBandCount(), null);
        }
        return new DiffResult(DiffResult.Outcome.CHANGED, changed, added, problems, builder.included(), builder.data(),
                builder.sideBandCount(), out);
    }

    private static List<String> names(List<Symbol> syms, Correlation corr, boolean useOrig) {
        List<String> out = new ArrayList<>();
        for (Symbol s : syms) {
            out.add(useOrig ? corr.origOf(s).name() : s.name());
        }
        return out;
    }

    static ElfFile read(Path path) {
        return ElfFile.read(path);
    }

    private static void checkInput(ElfFile f, String name) {
        if (!f.isRelocatable()) {
            throw new KelpException(name + ": not a relocatable object (ET_REL): kelp diff compares .o files built with"
                    + " -ffunction-sections -fdata-sections");
        }
        if (f.programHeaderCount() != 0) {
            throw new KelpException(name + ": has program headers: kelp diff compares relocatable .o files");
        }
        if (f.symtab() == null) {
            throw new KelpException(name + ": has no symbol table (stripped?): kelp diff needs the symbols");
        }
        if (f.machine() == Elf.EM_NONE) {
            throw new KelpException(name + ": ELF machine is EM_NONE");
        }
    }
}
