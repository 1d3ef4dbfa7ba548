package dev.kelp.klp;

import dev.kelp.arch.LivepatchArch;
import dev.kelp.elf.Elf;
import dev.kelp.elf.ElfFile;
import dev.kelp.elf.Modinfo;
import dev.kelp.elf.Relocation;
import dev.kelp.elf.RelocationSection;
import dev.kelp.elf.Section;
import dev.kelp.elf.Symbol;
import dev.kelp.symbols.KernelSymbols;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The rules of the target kernel's module loader and livepatch core that a converted module
 * must follow (livepatch-format.md §3, §5, §6), checked before anything is changed (per klp
 * relocation) and on the final module (section count, relocation types, common symbols).
 */
final class KernelRules {
    private static final String VMLINUX = KernelSymbols.VMLINUX;
    private final ElfFile elf;
    private final LivepatchArch arch;
    private final Problems problems;

    KernelRules(ElfFile elf, LivepatchArch arch, Problems problems) {
        this.elf = elf;
        this.arch = arch;
        this.problems = problems;
    }

    /** klp_enable_patch() refuses a module without livepatch=Y in .modinfo. */
    void requireLivepatchModinfo() {
        Optional<Modinfo> modinfo = Modinfo.of(elf);
        if (modinfo.isEmpty()) {
            problems.fileError("has no .modinfo section: not a kernel module (build it with kbuild)");
            return;
        }
        if (modinfo.get().has("livepatch", "Y")) {
            return;
        }
        problems.fileError("is not marked as a livepatch module: add MODULE_INFO(livepatch, \"Y\") to its source,"
                + " or the kernel will refuse klp_enable_patch()");
    }
    /** The module's code and data must not use the staging sections, which the conversion deletes. */
    void checkStagingReferences(Set<Section> staging) {
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
    /** Checks one klp relocation against the kernel's rules; false when it is dropped or refused. */
    boolean accept(PendingRelocation m) {
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
    /** The limits of the target's module loader, checked on the final module. */
    void checkFinalModule() {
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
