package dev.kelp.arch;

/**
 * The C type whose {@code sizeof} is the record size of a special section, as the kernel
 * declares it: kelp compiles a probe against the target's headers instead of trusting a table
 * of sizes, so a config or version with another layout gives its own sizes.
 *
 * @param section      the special section (as in {@link SpecialSection#name()})
 * @param cType        the C type of one record, e.g. {@code struct bug_entry}
 * @param header       the header declaring it, as in {@code #include <...>}
 * @param configOption the option without which the section cannot occur (null: always)
 */
public record RecordCType(String section, String cType, String header, String configOption) {
}
