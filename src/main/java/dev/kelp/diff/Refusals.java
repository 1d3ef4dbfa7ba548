package dev.kelp.diff;

import dev.kelp.elf.GroupSection;
import dev.kelp.elf.Section;
import dev.kelp.elf.Symbol;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Changes a livepatch cannot carry, checked before the output is built. Each rule turns what it
 * finds into {@link Problem}s that name the symbol or section; all rules run, so one diff
 * reports every problem. (Jump-label/static-call keys and unknown special sections are checked
 * while building the output, where the kept records are known.)
 */
final class Refusals {
    @FunctionalInterface
    private interface Rule {
        void check(Refusals r, List<Problem> out);
    }

    private static final List<Rule> RULES = List.of(
            Refusals::changedInitCode,
            Refusals::changedData,
            Refusals::changedWithoutProfilingCall,
            Refusals::changedGroups);

    private final ObjectIndex orig;
    private final ObjectIndex patched;
    private final Correlation corr;
    private final ChangeSet cs;

    Refusals(ObjectIndex orig, ObjectIndex patched, Correlation corr, ChangeSet cs) {
        this.orig = orig;
        this.patched = patched;
        this.corr = corr;
        this.cs = cs;
    }

    List<Problem> check() {
        List<Problem> out = new ArrayList<>();
        for (Rule r : RULES) {
            r.check(this, out);
        }
        return out;
    }

    private void changedInitCode(List<Problem> out) {
        for (Symbol f : cs.changedInit) {
            out.add(new Problem(patched.path, f.name(), "changed function in " + f.section().name()
                    + ": __init/__exit code runs only at boot or unload, so a livepatch cannot change its effect;"
                    + " patch the state it set up instead"));
        }
    }

    private void changedData(List<Problem> out) {
        for (Symbol d : cs.changedData) {
            out.add(new Problem(patched.path, d.name(), "existing data in " + d.section().name() + " changed: the running"
                    + " kernel keeps the original contents, so the patch cannot change them; leave the data alone"
                    + " and put new state in a shadow variable (klp_shadow_*)"));
        }
    }

    private void changedWithoutProfilingCall(List<Problem> out) {
        for (Symbol f : cs.changed) {
            // ftrace redirects the ORIGINAL function: it is the one that needs the hook
            if (orig.profilingCallOffset(corr.origOf(f)) < 0) {
                out.add(new Problem(patched.path, corr.origOf(f).name(), "changed function has no fentry call"
                        + " (notrace, or built without -pg/-mfentry): ftrace cannot redirect it; patch its callers"
                        + " instead"));
            }
        }
    }

    private void changedGroups(List<Problem> out) {
        Map<String, GroupSection> origGroups = new HashMap<>();
        for (GroupSection g : orig.elf.groups()) {
            origGroups.put(groupKey(g), g);
        }
        FunctionChecksum os = new FunctionChecksum(orig);
        FunctionChecksum ps = new FunctionChecksum(patched);
        for (GroupSection g : patched.elf.groups()) {
            GroupSection twin = origGroups.get(groupKey(g));
            String name = g.signature() == null ? g.name() : g.signature().name();
            if (twin == null) {
                out.add(new Problem(patched.path, g.name(), "new section group " + name
                        + ": COMDAT groups are shared between units and cannot be patched"));
                continue;
            }
            for (int i = 0; i < g.members().size(); i++) {
                Section a = twin.members().get(i);
                Section b = g.members().get(i);
                if (a.size() != b.size() || os.of(a, 0, a.size()) != ps.of(b, 0, b.size())) {
                    out.add(new Problem(patched.path, b.name(), "changed section in group " + name
                            + ": COMDAT groups are shared between units and cannot be patched"));
                    break;
                }
            }
        }
    }

    private static String groupKey(GroupSection g) {
        StringBuilder sb = new StringBuilder(g.signature() == null ? "" : Names.mangle(g.signature().name()));
        for (Section m : g.members()) {
            sb.append('\0').append(Names.mangle(m.name()));
        }
        return sb.toString();
    }
}
