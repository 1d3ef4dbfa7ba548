package dev.kelp.klp;

import dev.kelp.elf.Relocation;
import dev.kelp.elf.RelocationSection;
import dev.kelp.elf.Section;

/**
 * A relocation on its way to the klp form: where it is now ({@code from}, null for a side-band
 * record, which has no ordinary relocation), the field it patches, and its decision.
 */
record PendingRelocation(RelocationSection from, Relocation rel, Section target, Decision.Convert decision,
        int symType) {}
