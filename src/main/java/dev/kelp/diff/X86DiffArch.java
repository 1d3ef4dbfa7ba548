package dev.kelp.diff;

import dev.kelp.arch.InsnDecoder;
import dev.kelp.arch.x86.X86Decoder;
import java.util.Set;

/** x86-64 facts for the differ (System V psABI relocation numbers). */
final class X86DiffArch implements DiffArch {
    static final X86DiffArch INSTANCE = new X86DiffArch();

    static final int R_NONE = 0;
    static final int R_64 = 1;
    static final int R_PC32 = 2;
    static final int R_PLT32 = 4;
    static final int R_GOTPCREL = 9;
    static final int R_32 = 10;
    static final int R_32S = 11;
    static final int R_16 = 12;
    static final int R_PC16 = 13;
    static final int R_8 = 14;
    static final int R_PC8 = 15;
    static final int R_PC64 = 24;
    static final int R_GOTPCRELX = 41;
    static final int R_REX_GOTPCRELX = 42;

    private static final Set<String> LINE_FUNCTIONS = Set.of(
            "__warn_printk", "warn_slowpath_fmt", "warn_slowpath_null", "warn_slowpath_fmt_taint",
            "__might_sleep", "___might_sleep", "__might_fault", "__might_resched", "printk", "_printk",
            "lockdep_rcu_suspicious", "__btrfs_abort_transaction", "btrfs_handle_fs_error",
            "__btrfs_handle_fs_error", "__btrfs_panic");

    private X86DiffArch() {
    }

    @Override
    public InsnDecoder decoder() {
        return X86Decoder.instance();
    }

    @Override
    public int fieldSize(int t) {
        switch (t) {
            case R_64:
            case R_PC64:
                return 8;
            case R_PC32:
            case R_PLT32:
            case R_GOTPCREL:
            case R_32:
            case R_32S:
            case R_GOTPCRELX:
            case R_REX_GOTPCRELX:
                return 4;
            case R_16:
            case R_PC16:
                return 2;
            case R_8:
            case R_PC8:
                return 1;
            default:
                return 0;
        }
    }

    @Override
    public boolean isPcRelative(int t) {
        return t == R_PC32 || t == R_PLT32 || t == R_PC64 || t == R_PC16 || t == R_PC8 || t == R_GOTPCREL
                || t == R_GOTPCRELX || t == R_REX_GOTPCRELX;
    }

    @Override
    public int absolute64() {
        return R_64;
    }

    @Override
    public Set<String> profilingCallees() {
        return Set.of("__fentry__", "mcount", "__mcount");
    }

    @Override
    public Set<Integer> lineArgumentRegisters() {
        return Set.of(6, 2); // rsi, rdx
    }

    @Override
    public Set<String> lineReportingFunctions() {
        return LINE_FUNCTIONS;
    }
}
