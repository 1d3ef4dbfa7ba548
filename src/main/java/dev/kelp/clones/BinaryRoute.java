package dev.kelp.clones;

import dev.kelp.diff.DiffOptions;
import dev.kelp.diff.DiffResult;
import dev.kelp.diff.Differ;
import dev.kelp.diff.StructSizes;
import dev.kelp.elf.ElfFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The binary route on units built twice: {@code kelp diff} ({@link Differ}) on each unit's
 * original and patched object, as {@code kelp build}'s diff stage runs it, giving the changed
 * and the new functions per target object, the problems that would make the build refuse, and
 * for each changed function how its code differs ({@link CodeDelta}, used to explain
 * disagreements).
 *
 * @param changed  target object → functions whose code differs (original names)
 * @param added    target object → functions only the patched object has
 * @param deltas   "object\0function" → how a changed function's code differs
 * @param outcomes one line per unit: its source and the differ's verdict
 * @param problems what the binary route refuses, one line each
 * @param refused  "object\0location" → the differ's message, for problems located at a symbol
 * @param removed  target object → functions only the original object has (removed or renamed by the patch)
 */
record BinaryRoute(Map<String, Set<String>> changed, Map<String, Set<String>> added, Map<String, CodeDelta> deltas,
        List<String> outcomes, List<String> problems, Map<String, String> refused, Map<String, Set<String>> removed) {

    /** One unit compiled from the original and from the patched source. */
    public record UnitObjects(String unit, List<String> targetObjects, Path original, Path patched) {
    }

    /** Diffs every unit with the target's special-section record sizes. */
    public static BinaryRoute run(List<UnitObjects> units, StructSizes sizes) {
        Map<String, Set<String>> changed = new LinkedHashMap<>();
        Map<String, Set<String>> added = new LinkedHashMap<>();
        Map<String, CodeDelta> deltas = new LinkedHashMap<>();
        List<String> outcomes = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Map<String, String> refused = new LinkedHashMap<>();
        Map<String, Set<String>> removed = new LinkedHashMap<>();
        for (UnitObjects u : units) {
            ElfFile o = ElfFile.read(u.original());
            ElfFile p = ElfFile.read(u.patched());
            String object = u.targetObjects().get(0);
            DiffResult r = new Differ(new DiffOptions(sizes, object, u.unit()))
                    .diff(o, u.original().toString(), p, u.patched().toString());
            outcomes.add(u.unit() + ": " + r.outcome().label() + " (" + r.changed().size() + " changed, "
                    + r.added().size() + " new)");
            r.problems().forEach(pr -> problems.add(u.unit() + ": " + pr.location() + ": " + pr.message()));
            for (String target : u.targetObjects()) {
                r.problems().forEach(pr -> refused.putIfAbsent(key(target, pr.location()), pr.message()));
                removed.computeIfAbsent(target, k -> new LinkedHashSet<>()).addAll(CodeDelta.onlyIn(o, p));
                changed.computeIfAbsent(target, k -> new LinkedHashSet<>()).addAll(r.changed());
                added.computeIfAbsent(target, k -> new LinkedHashSet<>()).addAll(r.added());
                for (String f : r.changed()) {
                    CodeDelta.of(o, p, f).ifPresent(d -> deltas.put(key(target, f), d));
                }
            }
        }
        return new BinaryRoute(changed, added, deltas, outcomes, problems, refused, removed);
    }

    /** A route made of changed functions only (no new ones, no deltas), e.g. from another differ. */
    public static BinaryRoute ofChanged(Map<String, Set<String>> changed) {
        return new BinaryRoute(changed, Map.of(), Map.of(), List.of(), List.of(), Map.of(), Map.of());
    }

    public Set<String> changedIn(String object) {
        return changed.getOrDefault(object, Set.of());
    }

    public Set<String> addedIn(String object) {
        return added.getOrDefault(object, Set.of());
    }

    public Set<String> removedIn(String object) {
        return removed.getOrDefault(object, Set.of());
    }

    public Optional<CodeDelta> delta(String object, String function) {
        return Optional.ofNullable(deltas.get(key(object, function)));
    }

    /** Why the binary route refuses a change located at {@code symbol}, if it does. */
    public Optional<String> refusal(String object, String symbol) {
        return Optional.ofNullable(refused.get(key(object, symbol)));
    }

    /** Every target object the binary route saw. */
    public Set<String> objects() {
        Set<String> all = new LinkedHashSet<>(changed.keySet());
        all.addAll(added.keySet());
        return all;
    }

    private static String key(String object, String function) {
        return object + "\u0000" + function;
    }
}
