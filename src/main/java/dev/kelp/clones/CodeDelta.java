package dev.kelp.clones;

import dev.kelp.arch.Arch;
import dev.kelp.arch.CodeScanner;
import dev.kelp.arch.Insn;
import dev.kelp.arch.RelocType;
import dev.kelp.arch.registry.Machines;
import dev.kelp.elf.Elf;
import dev.kelp.elf.ElfFile;
import dev.kelp.elf.Relocation;
import dev.kelp.elf.RelocationSection;
import dev.kelp.elf.Section;
import dev.kelp.elf.Symbol;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * How one function's compiled code differs between the original and the patched object, in the
 * terms the route comparison explains disagreements with: its size, and the names it refers to
 * (relocation targets: symbols by name with GCC's {@code .N} counters masked, section-relative
 * references by section kind). The binary differ decides <em>whether</em> a function changed;
 * this says roughly <em>how</em>, to name a reason.
 *
 * @param originalSize  bytes in the original object
 * @param patchedSize   bytes in the patched object
 * @param referencesNow targets only the patched version refers to
 * @param referencesWas targets only the original version refers to
 * @param sameBytes     the code bytes are identical once every relocated field is zeroed
 * @param shape         how the instructions compare (decoded with the architecture's decoder)
 */
record CodeDelta(long originalSize, long patchedSize, Set<String> referencesNow, Set<String> referencesWas,
        boolean sameBytes, Shape shape) {

    /** What the instruction sequences have in common. */
    public enum Shape {
        /** Same instructions in the same order; only immediates or displacements differ. */
        OPERANDS_ONLY,
        /** The same instructions, in another order or with other branch distances. */
        LAYOUT_ONLY,
        /** Different instructions. */
        DIFFERENT
    }

    /** The delta of {@code name} (a function in both objects), or empty when either lacks it. */
    public static Optional<CodeDelta> of(ElfFile original, ElfFile patched, String name) {
        Optional<Symbol> o = function(original, name);
        Optional<Symbol> p = function(patched, name);
        if (o.isEmpty() || p.isEmpty()) {
            return Optional.empty();
        }
        List<String> ro = references(original, o.get());
        List<String> rp = references(patched, p.get());
        Set<String> now = new TreeSet<>(rp);
        now.removeAll(ro);
        Set<String> was = new TreeSet<>(ro);
        was.removeAll(rp);
        byte[] bo = maskedBytes(original, o.get());
        byte[] bp = maskedBytes(patched, p.get());
        Arch arch = Machines.forElf(original.machine()).arch();
        return Optional.of(new CodeDelta(o.get().size(), p.get().size(), now, was, Arrays.equals(bo, bp),
                shape(instructions(arch, bo, false), instructions(arch, bp, false), instructions(arch, bo, true),
                        instructions(arch, bp, true))));
    }

    /** Functions {@code a} defines that {@code b} does not, compared with GCC's counters masked. */
    public static List<String> onlyIn(ElfFile a, ElfFile b) {
        Set<String> inB = new java.util.HashSet<>();
        b.symbols().stream().filter(s -> s.type() == Elf.STT_FUNC && s.section() != null).forEach(s -> inB.add(mask(s.name())));
        return a.symbols().stream().filter(s -> s.type() == Elf.STT_FUNC && s.section() != null && !inB.contains(mask(s.name())))
                .map(Symbol::name).toList();
    }

    public boolean sameReferences() {
        return referencesNow.isEmpty() && referencesWas.isEmpty();
    }

    /** "size 120 → 136 bytes, now refers to x, no longer to y" (facts only). */
    public String describe() {
        List<String> parts = new ArrayList<>();
        parts.add(originalSize == patchedSize ? "same size (" + originalSize + " bytes)"
                : "size " + originalSize + " → " + patchedSize + " bytes");
        if (!referencesNow.isEmpty()) {
            parts.add("now refers to " + String.join(", ", referencesNow));
        }
        if (!referencesWas.isEmpty()) {
            parts.add("no longer to " + String.join(", ", referencesWas));
        }
        if (sameReferences()) {
            parts.add("same references");
        }
        return String.join(", ", parts);
    }

    static Shape shape(List<String> o, List<String> p, List<String> oOps, List<String> pOps) {
        if (oOps.equals(pOps) && !o.equals(p)) {
            return Shape.OPERANDS_ONLY;
        }
        List<String> so = new ArrayList<>(o);
        List<String> sp = new ArrayList<>(p);
        java.util.Collections.sort(so);
        java.util.Collections.sort(sp);
        return so.equals(sp) ? Shape.LAYOUT_ONLY : Shape.DIFFERENT;
    }

    /**
     * One key per instruction: its bytes (relocated fields already zeroed) with the branch
     * displacement blanked, so that moved code compares equal; with {@code noOperands} also
     * without immediates and displacements.
     */
    private static List<String> instructions(Arch arch, byte[] code, boolean noOperands) {
        List<String> out = new ArrayList<>();
        CodeScanner sc = new CodeScanner(arch, code, 0, code.length, List.of());
        while (sc.next()) {
            Insn i = sc.insn();
            byte[] b = Arrays.copyOfRange(code, i.offset, i.end());
            if (i.relative || noOperands) {
                blank(b, i.immOffset, i.immSize);
            }
            if (noOperands) {
                blank(b, i.dispOffset, i.dispSize);
            }
            out.add(java.util.HexFormat.of().formatHex(b));
        }
        return out;
    }

    private static void blank(byte[] b, int at, int size) {
        for (int k = at; k < at + size && k < b.length; k++) {
            b[k] = 0;
        }
    }

    private static Optional<Symbol> function(ElfFile f, String name) {
        return f.symbols().stream().filter(s -> s.type() == Elf.STT_FUNC && s.section() != null && s.name().equals(name))
                .findFirst();
    }

    /** Relocation targets inside the function, as names that do not depend on numbering. */
    private static List<String> references(ElfFile f, Symbol fn) {
        List<String> out = new ArrayList<>();
        for (RelocationSection rs : f.relocationsFor(fn.section())) {
            for (Relocation r : rs.relocations()) {
                if (r.offset() >= fn.value() && r.offset() < fn.value() + fn.size() && r.symbol() != null) {
                    out.add(targetName(f, r.symbol()));
                }
            }
        }
        return out;
    }

    /**
     * A section-relative reference names the section's only function or object when it has one
     * (with function and data sections, a static callee is reached through its section symbol).
     */
    static String targetName(ElfFile f, Symbol s) {
        if (s.type() == Elf.STT_SECTION && s.section() != null) {
            Section sec = s.section();
            if (sec.hasFlag(Elf.SHF_STRINGS)) {
                return "a string literal";
            }
            List<Symbol> named = f.symbols().stream().filter(x -> x.section() == sec
                    && (x.type() == Elf.STT_FUNC || x.type() == Elf.STT_OBJECT)).toList();
            return named.size() == 1 ? mask(named.get(0).name()) : "section " + mask(sec.name());
        }
        return mask(s.name());
    }

    /** GCC's per-object counters ({@code .constprop.0}, {@code .LC12}, {@code __key.3}) carry no meaning across builds. */
    static String mask(String name) {
        return name.replaceAll("\\.\\d+", ".N");
    }

    private static byte[] maskedBytes(ElfFile f, Symbol fn) {
        byte[] data = fn.section().data();
        if (data == null || fn.value() + fn.size() > data.length) {
            return new byte[0];
        }
        byte[] b = Arrays.copyOfRange(data, (int) fn.value(), (int) (fn.value() + fn.size()));
        Arch arch = Machines.forElf(f.machine()).arch();
        for (RelocationSection rs : f.relocationsFor(fn.section())) {
            for (Relocation r : rs.relocations()) {
                long at = r.offset() - fn.value();
                int width = arch.relocType(r.type()).map(RelocType::width).orElse(0);
                for (int i = 0; i < width && at + i >= 0 && at + i < b.length; i++) {
                    b[(int) (at + i)] = 0;
                }
            }
        }
        return b;
    }
}
