package dev.kelp.arch;

/** An architecture's instruction decoder: lengths and operand fields, never semantics. */
public interface InsnDecoder {
    /**
     * Decodes the instruction at {@code code[pos]} into {@code out}. Never throws on any bytes:
     * undecodable or truncated bytes come back as {@link InsnKind#INVALID} with length 1, so a
     * linear sweep always advances. Bytes at or past {@code end} are never read.
     *
     * @param address the address of {@code code[pos]} (used for branch targets)
     * @return the instruction length ({@code out.length})
     */
    int decode(byte[] code, int pos, int end, long address, Insn out);

    /** Longest possible instruction on this architecture. */
    int maxLength();
}
