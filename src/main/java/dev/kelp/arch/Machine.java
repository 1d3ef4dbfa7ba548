package dev.kelp.arch;

/**
 * One architecture kelp supports, with every facet the stages ask for: the instruction and
 * relocation facts ({@link Arch}), what the module loader and livepatch core accept
 * ({@link LivepatchArch}) and how its kernel image boots ({@link BootArch}). The registry
 * ({@code dev.kelp.arch.registry.Machines}) holds one per machine.
 *
 * @param name               short name, as in kernel ARCH= ("x86_64")
 * @param elfMachine         the ELF {@code e_machine} of its objects
 * @param kernelConfigOption the config option a kernel of this architecture sets ("CONFIG_X86_64")
 */
public record Machine(String name, int elfMachine, String kernelConfigOption, Arch arch, LivepatchArch livepatch,
        BootArch boot) {
}
