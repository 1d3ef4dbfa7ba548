package dev.kelp.arch;

/**
 * An immediate operand found in code.
 *
 * @param insnOffset offset of the instruction in the scanned buffer (section-relative)
 * @param offset     offset of the immediate field in the buffer (section-relative)
 * @param size       size of the field in bytes
 * @param value      the field's value (sign-extended)
 * @param callee     the function the value is passed to (for a line-number argument), or null
 */
public record ImmediateField(int insnOffset, int offset, int size, long value, String callee) {
}
