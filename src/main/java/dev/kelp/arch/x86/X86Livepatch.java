package dev.kelp.arch.x86;

import dev.kelp.arch.LivepatchArch;
import dev.kelp.arch.RelocType;
import dev.kelp.arch.SpecialSection;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * x86-64 as Linux 6.1 loads modules: the relocation types {@code apply_relocate_add} handles
 * are the module-loader column of {@link X86RelocTypes}; each non-NONE type refuses to write
 * over non-zero bytes. The special sections are the rows of {@link X86SpecialSections} marked
 * {@code readAtLoad}: those the loader's {@code module_finalize} and the generic loader walk.
 */
final class X86Livepatch implements LivepatchArch {
    public static final X86Livepatch INSTANCE = new X86Livepatch();

    /** Loader-accepted type → bytes written, from the one relocation table. */
    private static final Map<Integer, Integer> WIDTH = X86RelocTypes.ALL.stream()
            .filter(RelocType::moduleLoaderAccepts)
            .collect(Collectors.toUnmodifiableMap(RelocType::type, RelocType::width));

    /** Exact names of the special-section rows the kernel walks at module load. */
    private static final Set<String> SPECIAL = X86SpecialSections.DEFAULT.stream()
            .filter(s -> s.readAtLoad() && !s.prefix()).map(SpecialSection::name)
            .collect(Collectors.toUnmodifiableSet());

    private X86Livepatch() {}

    @Override
    public String name() {
        return "x86-64";
    }

    @Override
    public Set<Integer> loaderRelocationTypes() {
        return WIDTH.keySet();
    }

    @Override
    public int fieldWidth(int type) {
        return WIDTH.getOrDefault(type, -1);
    }

    @Override
    public int absolute64() {
        return X86RelocTypes.byName("R_X86_64_64").type();
    }

    @Override
    public Set<String> specialSections() {
        return SPECIAL;
    }
}
