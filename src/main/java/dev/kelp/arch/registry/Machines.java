package dev.kelp.arch.registry;

import dev.kelp.arch.BootArch;
import dev.kelp.arch.ElfMachines;
import dev.kelp.arch.LivepatchArch;
import dev.kelp.arch.Machine;
import dev.kelp.arch.RelocType;
import dev.kelp.arch.x86.X86Machine;
import dev.kelp.util.KelpException;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The one registry of supported architectures: adding one means adding its {@link Machine} to
 * {@link #ALL}. It sits below {@code dev.kelp.arch} and its implementations so that neither
 * imports the other.
 */
public final class Machines {
    private Machines() {
    }

    private static final List<Machine> ALL = List.of(X86Machine.MACHINE);

    /** Every architecture kelp supports. */
    public static List<Machine> all() {
        return ALL;
    }

    /** The architecture of an ELF {@code e_machine}, if kelp supports it. */
    public static Optional<Machine> lookup(int eMachine) {
        return ALL.stream().filter(m -> m.elfMachine() == eMachine).findFirst();
    }

    /** The architecture of an ELF {@code e_machine}, or an "unsupported architecture" error. */
    public static Machine forElf(int eMachine) {
        return lookup(eMachine).orElseThrow(() -> new KelpException("unsupported architecture: ELF machine " + eMachine
                + ElfMachines.suffix(eMachine) + "; kelp supports " + supported(), KelpException.UNSUPPORTED, null));
    }

    /** The livepatch facet for an object's machine, or an error naming the file. */
    public static LivepatchArch livepatch(int eMachine, String file) {
        return lookup(eMachine).map(Machine::livepatch).orElseThrow(() -> new KelpException(file + ": machine "
                + eMachine + " is not supported for livepatch conversion (kelp knows " + names() + " only)",
                KelpException.UNSUPPORTED, null));
    }

    /**
     * The architecture of a kernel configured with these options (the target of {@code kelp
     * build}, known by its config before any object exists).
     */
    public static Machine forKernelConfig(Predicate<String> isSet) {
        return ALL.stream().filter(m -> isSet.test(m.kernelConfigOption())).findFirst()
                .orElseThrow(() -> new KelpException("unsupported architecture: the target kernel's config sets none"
                        + " of " + ALL.stream().map(Machine::kernelConfigOption).collect(Collectors.joining(", "))
                        + "; kelp supports " + names() + " only", KelpException.UNSUPPORTED, null));
    }

    /**
     * A relocation type's psABI name for display (inspect, messages), from the architecture's
     * one relocation table; {@code R_unknown(N)} when kelp does not know the machine or the type.
     */
    public static String relocationName(int eMachine, int type) {
        return lookup(eMachine).flatMap(m -> m.arch().relocType(type)).map(RelocType::name)
                .orElse("R_unknown(" + Integer.toUnsignedString(type) + ")");
    }

    /** The boot facets, in registry order. */
    public static List<BootArch> boots() {
        return ALL.stream().map(Machine::boot).toList();
    }

    private static String names() {
        return ALL.stream().map(m -> m.livepatch().name()).collect(Collectors.joining(", "));
    }

    private static String supported() {
        return ALL.stream().map(m -> m.livepatch().name() + " (e_machine " + m.elfMachine() + ")")
                .collect(Collectors.joining(", ")) + " only";
    }
}
