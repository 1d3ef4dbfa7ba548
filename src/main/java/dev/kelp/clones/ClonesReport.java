package dev.kelp.clones;

import dev.kelp.csource.Touch;
import java.util.List;
import java.util.Map;

/** Renders step (a) and step (b) results as the text {@code kelp clones} prints. */
public final class ClonesReport {
    private ClonesReport() {
    }

    public static String stepA(PatchMapping pm) {
        StringBuilder sb = new StringBuilder("Changed source (step a)\n");
        for (HunkMapping h : pm.hunks()) {
            sb.append("  ").append(h.file()).append(" hunk ").append(h.hunk()).append(" (-").append(h.oldStart())
                    .append(" +").append(h.newStart()).append("):");
            if (h.touches().isEmpty()) {
                sb.append(" only comments or blank lines between definitions");
            }
            sb.append('\n');
            for (Touch t : h.touches()) {
                sb.append("    ").append(t.entity().describe());
                if (t.change() != Touch.Change.MODIFIED) {
                    sb.append(" [").append(t.change().name().toLowerCase(java.util.Locale.ROOT)).append(']');
                }
                if (t.commentOnly()) {
                    sb.append(" [comments only]");
                }
                sb.append('\n');
                for (Touch.Use u : t.users()) {
                    sb.append("      used by ").append(u.function()).append(" in ").append(u.unit())
                            .append(" (via ").append(u.via()).append(")\n");
                }
            }
            if (h.outsideCode()) {
                sb.append("    warning: changed code outside any definition the scanner recognised\n");
            }
        }
        java.util.Map<String, java.util.List<String>> units = new java.util.LinkedHashMap<>();
        for (StartFunction s : pm.starts()) {
            units.computeIfAbsent(s.function(), k -> new java.util.ArrayList<>()).add(s.unit() == null ? "any unit" : s.unit());
        }
        if (!units.isEmpty()) {
            sb.append("  changed functions:\n");
            units.forEach((f, us) -> sb.append("    ").append(f).append(" (").append(String.join(", ", us)).append(")\n"));
        }
        for (String n : pm.notes()) {
            sb.append("  note: ").append(n).append('\n');
        }
        return sb.toString();
    }

    public static String stepB(ClonesAnalysis.Result r) {
        StringBuilder sb = new StringBuilder("Functions to patch (step b)\n");
        int total = 0;
        int noSymbol = 0;
        for (Map.Entry<String, List<AffectedFunction>> e : r.byObject().entrySet()) {
            sb.append("  ").append(e.getKey()).append('\n');
            int width = e.getValue().stream().mapToInt(a -> a.name().length()).max().orElse(0);
            for (AffectedFunction a : e.getValue()) {
                total++;
                sb.append("    ").append(a.name()).append(" ".repeat(width - a.name().length() + 2))
                        .append(a.describeChain());
                switch (a.presence()) {
                    case NO_SYMBOL -> {
                        noSymbol++;
                        sb.append("  [no symbol of its own: ").append(a.presenceReason()).append(']');
                    }
                    case UNKNOWN -> sb.append("  [symbol unknown: ").append(a.presenceReason()).append(']');
                    default -> {
                    }
                }
                sb.append("  (").append(a.unit()).append(")\n");
            }
        }
        sb.append("  ").append(total).append(" function(s) in ").append(r.byObject().size()).append(" object(s); ")
                .append(noSymbol).append(" without a symbol of their own (patched through the functions they went into)\n");
        for (String n : r.notes()) {
            sb.append("  note: ").append(n).append('\n');
        }
        return sb.toString();
    }

    /** One line per function: verdict, object, name and the reason when the routes disagree. */
    public static String comparison(List<RouteComparison.Row> rows) {
        StringBuilder sb = new StringBuilder("Source route vs binary route\n");
        int width = rows.stream().mapToInt(r -> r.function().length()).max().orElse(0);
        for (RouteComparison.Row r : rows) {
            sb.append("  ").append(String.format("%-16s", r.verdict().name().toLowerCase(java.util.Locale.ROOT)))
                    .append(r.object()).append(' ').append(r.function())
                    .append(" ".repeat(width - r.function().length() + 2)).append(r.reason()).append('\n');
        }
        long agree = rows.stream().filter(r -> r.verdict() == RouteComparison.Verdict.AGREE
                || r.verdict() == RouteComparison.Verdict.AGREE_NO_SYMBOL).count();
        sb.append("  ").append(agree).append(" of ").append(rows.size()).append(" function(s) agree\n");
        return sb.toString();
    }

    /** Everything {@code kelp clones --patch} prints for a target: step (a), units, step (b), and the comparison. */
    public static String target(PatchRoutes.Outcome o) {
        StringBuilder sb = new StringBuilder(stepA(o.mapping()));
        sb.append("Units compiled with -fdump-ipa-clones (").append(o.release()).append(")\n");
        o.units().forEach(u -> sb.append("  ").append(u).append('\n'));
        sb.append(stepB(o.source()));
        o.binary().ifPresent(b -> {
            sb.append("Binary route (kelp diff per unit)\n");
            b.outcomes().forEach(l -> sb.append("  ").append(l).append('\n'));
            b.problems().forEach(l -> sb.append("  refused: ").append(l).append('\n'));
            sb.append(comparison(o.rows()));
        });
        return sb.toString();
    }

    /**
     * The comparison as tab-separated rows for scripts: object, function, source route (the chain,
     * or "-"), binary route ("changed", "new" or "-"), verdict, reason.
     */
    public static String comparisonTsv(PatchRoutes.Outcome o) {
        StringBuilder sb = new StringBuilder();
        BinaryRoute b = o.binary().orElseThrow();
        for (RouteComparison.Row r : o.rows()) {
            String src = o.source().byObject().getOrDefault(r.object(), List.of()).stream()
                    .filter(a -> a.name().equals(r.function())).findFirst()
                    .map(a -> a.describeChain() + (a.presence() == Presence.NO_SYMBOL ? " (no symbol)" : "")).orElse("-");
            String bin = b.changedIn(r.object()).contains(r.function()) ? "changed"
                    : b.addedIn(r.object()).contains(r.function()) ? "new" : "-";
            sb.append(String.join("\t", r.object(), r.function(), src, bin,
                    r.verdict().name().toLowerCase(java.util.Locale.ROOT), r.reason())).append('\n');
        }
        return sb.toString();
    }
}
