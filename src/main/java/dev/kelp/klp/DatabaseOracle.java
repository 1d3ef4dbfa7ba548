package dev.kelp.klp;

import dev.kelp.symbols.Export;
import dev.kelp.symbols.KSym;
import dev.kelp.symbols.KernelSymbols;
import dev.kelp.symbols.ObjectSymbols;
import dev.kelp.symbols.UnitContext;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** {@link SymbolOracle} over kelp's symbol database (kallsyms order, so positions are exact). */
public final class DatabaseOracle implements SymbolOracle {
    private static final int SHOWN_NEIGHBOURS = 2;
    private final KernelSymbols db;

    public DatabaseOracle(KernelSymbols db) {
        this.db = db;
    }

    public KernelSymbols database() {
        return db;
    }

    @Override
    public String origin() {
        return db.object(KernelSymbols.VMLINUX).origin() + (db.objects().size() > 1 ? " and "
                + (db.objects().size() - 1) + " modules" : "") + (db.exports().isEmpty() ? ""
                : ", " + db.exports().size() + " exports");
    }

    @Override
    public Optional<String> exporter(String name) {
        return db.isExported(name).map(Export::object);
    }

    @Override
    public List<String> objectsDefining(String name) {
        return db.objectsDefining(name);
    }

    @Override
    public boolean knowsObject(String object) {
        return db.find(object).isPresent();
    }

    @Override
    public List<Candidate> candidates(String object, String name) {
        Optional<ObjectSymbols> o = db.find(object);
        if (o.isEmpty()) {
            return List.of();
        }
        return o.get().lookup(name).stream().map(k -> new Candidate(object, name, k.sympos(), describe(o.get(), k)))
                .toList();
    }

    private static String describe(ObjectSymbols o, KSym k) {
        String where = o.name().equals(KernelSymbols.VMLINUX) ? k.hexAddress()
                : k.section() + "+0x" + Long.toHexString(k.address());
        String near = o.neighbours(k, SHOWN_NEIGHBOURS).stream().map(KSym::name).collect(Collectors.joining(", "));
        return "sympos " + k.sympos() + " at " + where + " (" + k.type() + (k.file().isEmpty() ? "" : ", " + k.file())
                + ", near " + near + ")";
    }

    @Override
    public int uniqueSympos(String object, String name) {
        List<KSym> c = db.lookup(object, name);
        if (c.size() != 1) {
            throw new IllegalStateException(name + " is not unique in " + object);
        }
        return db.checkedSympos(c.get(0));
    }

    @Override
    public int unitSympos(String object, String name, UnitContext unit) {
        return db.checkedSympos(db.resolve(name, object, unit));
    }
}
