package dev.kelp.arch.x86;

import dev.kelp.arch.Arch;
import dev.kelp.arch.FunctionEntry;
import dev.kelp.arch.ImmediateField;
import dev.kelp.arch.Insn;
import dev.kelp.arch.InsnDecoder;
import dev.kelp.arch.InsnKind;
import dev.kelp.arch.RelocIndex;
import dev.kelp.arch.RelocType;
import dev.kelp.arch.SpecialSection;
import dev.kelp.elf.Elf;
import dev.kelp.elf.Relocation;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The x86-64 architecture: decoder, relocation types, function entry, line numbers, special sections. */
final class X86_64 implements Arch {
    public static final X86_64 INSTANCE = new X86_64();

    /** The ftrace hook: {@code call __fentry__} (e8 rel32) or the 5-byte NOP objtool puts there. */
    static final int HOOK_LENGTH = 5;
    static final String FENTRY = "__fentry__";

    private X86_64() {
    }

    @Override
    public String name() {
        return "x86_64";
    }

    @Override
    public int elfMachine() {
        return Elf.EM_X86_64;
    }

    @Override
    public InsnDecoder decoder() {
        return X86Decoder.instance();
    }

    @Override
    public List<RelocType> relocTypes() {
        return X86RelocTypes.ALL;
    }

    @Override
    public Optional<RelocType> relocType(int type) {
        return Optional.ofNullable(X86RelocTypes.byType(type));
    }

    @Override
    public RelocType absolute64() {
        return X86RelocTypes.byType(1);
    }

    @Override
    public RelocType pcRelative32() {
        return X86RelocTypes.byType(2);
    }

    @Override
    public RelocType none() {
        return X86RelocTypes.byType(0);
    }

    @Override
    public String ftraceEntrySymbol() {
        return FENTRY;
    }

    @Override
    public List<String> paddingSymbolPrefixes() {
        return List.of("__pfx_", "__cfi_");
    }

    /**
     * The hook is the first instruction, or the second after an endbr64 (IBT kernels). It is a
     * call with a PC32/PLT32 relocation to __fentry__, or (objtool --mnop) a 5-byte NOP with an
     * R_X86_64_NONE relocation to __fentry__, or a bare 5-byte NOP whose status only
     * __mcount_loc can tell.
     */
    @Override
    public FunctionEntry functionEntry(byte[] code, int start, int end, RelocIndex relocs) {
        Insn insn = new Insn();
        int at = start;
        int pad = 0;
        if (at < end) {
            X86Decoder.instance().decode(code, at, end, at, insn);
            if (insn.kind == InsnKind.LANDING_PAD) {
                pad = insn.length;
                at += pad;
            }
        }
        if (at >= end) {
            return new FunctionEntry(pad, -1, 0, FunctionEntry.Form.NONE);
        }
        X86Decoder.instance().decode(code, at, end, at, insn);
        if (insn.length != HOOK_LENGTH) {
            return new FunctionEntry(pad, -1, 0, FunctionEntry.Form.NONE);
        }
        Relocation r = relocs.at(at + 1);
        boolean toFentry = r != null && r.symbol() != null && FENTRY.equals(r.symbol().name());
        if (insn.kind == InsnKind.CALL && toFentry && relocType(r.type()).map(RelocType::isPcRelative).orElse(false)) {
            return new FunctionEntry(pad, at - start, HOOK_LENGTH, FunctionEntry.Form.CALL);
        }
        if (insn.kind == InsnKind.NOP) {
            if (toFentry && r.type() == 0) {
                return new FunctionEntry(pad, at - start, HOOK_LENGTH, FunctionEntry.Form.NOP_WITH_RELOC);
            }
            if (r == null) {
                return new FunctionEntry(pad, at - start, HOOK_LENGTH, FunctionEntry.Form.NOP_UNRECORDED);
            }
        }
        return new FunctionEntry(pad, -1, 0, FunctionEntry.Form.NONE);
    }

    /** NOPs of any encoding and int3, decoded as a sequence that must end exactly at {@code end}. */
    @Override
    public boolean isPadding(byte[] code, int start, int end) {
        Insn insn = new Insn();
        int at = start;
        while (at < end) {
            int len = X86Decoder.instance().decode(code, at, end, at, insn);
            if (insn.kind != InsnKind.NOP && insn.kind != InsnKind.TRAP) {
                return false;
            }
            at += len;
        }
        return true;
    }

    @Override
    public List<ImmediateField> lineImmediates(byte[] code, int start, int end, RelocIndex relocs,
            Map<String, Integer> functions) {
        return X86LineImmediates.find(this, functions, code, start, end, relocs);
    }

    @Override
    public Map<String, Integer> lineFunctions() {
        return X86LineImmediates.LINE_FUNCTIONS;
    }

    @Override
    public List<dev.kelp.arch.RecordCType> recordTypes() {
        return X86RecordTypes.ALL;
    }

    @Override
    public List<SpecialSection> specialSections() {
        return X86SpecialSections.DEFAULT;
    }

    @Override
    public List<SpecialSection> specialSectionLayouts(String sectionName) {
        return X86SpecialSections.layouts(sectionName);
    }

    @Override
    public java.util.Set<String> structSizeKeys() {
        return X86SpecialSections.keys();
    }

    @Override
    public List<SpecialSection> specialSections(Map<String, Integer> structSizes) {
        return X86SpecialSections.withSizes(structSizes);
    }
}
