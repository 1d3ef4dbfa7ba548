package dev.kelp.arch;

/**
 * The shape of a function's entry as the livepatch core needs it: where the ftrace hook
 * (x86: the 5-byte {@code call __fentry__} site) sits, after an optional landing pad.
 *
 * @param landingPadLength bytes of the indirect-branch landing pad at offset 0 (x86 endbr64: 4), else 0
 * @param hookOffset       offset of the ftrace hook from the function start, or -1 if there is none
 * @param hookLength       length of the hook instruction (x86: 5), or 0
 * @param form             how the hook is encoded
 */
public record FunctionEntry(int landingPadLength, int hookOffset, int hookLength, Form form) {

    public enum Form {
        /** A call to the ftrace entry function ({@code __fentry__}), with its relocation. */
        CALL,
        /**
         * A NOP carrying an R_*_NONE relocation to the ftrace entry function: objtool's
         * {@code --mnop} rewrote the call and recorded the site in {@code __mcount_loc}.
         */
        NOP_WITH_RELOC,
        /**
         * A NOP of hook length with no relocation: an ftrace site only if {@code __mcount_loc}
         * (or {@code __patchable_function_entries}) points at it; the caller must check.
         */
        NOP_UNRECORDED,
        /** No hook: the function cannot be livepatched (notrace, or not compiled with -pg/-mfentry). */
        NONE
    }

    /** True if the function certainly has an ftrace hook (without consulting __mcount_loc). */
    public boolean hasHook() {
        return form == Form.CALL || form == Form.NOP_WITH_RELOC;
    }
}
