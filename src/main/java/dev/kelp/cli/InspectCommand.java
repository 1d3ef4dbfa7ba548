package dev.kelp.cli;

import dev.kelp.inspect.ElfView;
import dev.kelp.inspect.Inspector;
import dev.kelp.inspect.ModinfoView;
import dev.kelp.inspect.RelocationsView;
import dev.kelp.inspect.SectionsView;
import dev.kelp.inspect.SymbolsView;
import dev.kelp.klp.LivepatchView;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kelp inspect}: sections, symbols, relocations and .modinfo of ELF objects and modules. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"Shows the sections, symbols, relocations and module info of ELF64 objects,",
            "listing every relocation section separately (also .klp.rela sections sharing a target)."})
public final class InspectCommand implements Runnable {
    @Option(names = "--json", description = "Machine-readable JSON (an array, one object per file).")
    boolean json;

    @Option(names = "--sections", description = "Show section headers.")
    boolean sections;

    @Option(names = "--symbols", description = "Show symbol tables.")
    boolean symbols;

    @Option(names = "--relocs", description = "Show relocation sections.")
    boolean relocs;

    @Option(names = "--modinfo", description = "Show a module's .modinfo entries.")
    boolean modinfo;

    @Option(names = "--livepatch", description = "Show a livepatch module's patched functions and klp relocations.")
    boolean livepatch;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "ELF64 objects or kernel modules.")
    List<Path> files;

    @Override
    public void run() {
        boolean all = !(sections || symbols || relocs || modinfo || livepatch);
        List<ElfView> views = new ArrayList<>();
        if (all || sections) {
            views.add(new SectionsView());
        }
        if (all || symbols) {
            views.add(new SymbolsView());
        }
        if (all || relocs) {
            views.add(new RelocationsView());
        }
        if (all || modinfo) {
            views.add(new ModinfoView());
        }
        if (all || livepatch) {
            views.add(new LivepatchView());
        }
        Inspector inspector = new Inspector(views);
        String out = json ? inspector.json(files) : inspector.text(files);
        System.out.print(out);
        System.out.flush();
    }
}
